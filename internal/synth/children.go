// Package synth generates synthetic (dummy) OCR CSV files with realistic
// values and injected OCR errors, and the truth file that lists every error.
// It is the only source of data for tests and demos: no real data, ever.
package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

// Anchor dates: generated checkups fall in fiscal 令和7 (2025-04-01 to
// 2026-03-31), so the same seed gives the same file on any day.
var (
	firstExam = jpdate.Date{Y: 2025, M: 4, D: 1}
	examDays  = 365
)

// Child is one synthetic examinee. The same seed and checkup give the same
// children, so a 受診票 and its アンケート generated alike match row by row.
type Child struct {
	Atena  string
	Kana   string
	Sex    string // "1" 男, "2" 女
	Birth  jpdate.Date
	Exam   jpdate.Date
	Venue  string
	Months int     // age at the exam
	Size   float64 // latent body-size z-score shared by all measurements
}

func newRand(seed uint64, parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p)) // hash.Hash.Write never returns an error
		_, _ = h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(seed, h.Sum64())) // #nosec G404 -- synthetic test data must be reproducible from a seed, not secret
}

// Children returns n children for a checkup; f gives the age window.
func Children(f *form.Form, n int, seed uint64) []Child {
	r := newRand(seed, "children", f.Checkup)
	// Checkups run on session days, a few a month at each centre.
	sessions := make([]jpdate.Date, 0, 48)
	for d := 0; d < examDays; d += 7 + r.IntN(4) {
		sessions = append(sessions, firstExam.AddDays(d))
	}
	out := make([]Child, n)
	used := map[string]bool{}
	for i := range out {
		c := &out[i]
		for {
			c.Atena = fmt.Sprintf("%015d", 100000000+r.Int64N(899999999)*10+int64(r.IntN(10)))
			if !used[c.Atena] {
				used[c.Atena] = true
				break
			}
		}
		c.Sex = []string{"1", "2"}[r.IntN(2)]
		c.Kana = surnames[r.IntN(len(surnames))] + " " + givenNames[r.IntN(len(givenNames))]
		c.Exam = sessions[r.IntN(len(sessions))]
		c.Venue = fmt.Sprint(1 + r.IntN(4))
		// Most children come early in the window.
		span := f.AgeMonths[1] - f.AgeMonths[0]
		ageDays := f.AgeMonths[0]*30 + 2 + int(math.Abs(r.NormFloat64())*float64(span*30)/2.5)
		ageDays = min(ageDays, f.AgeMonths[1]*30-3)
		c.Birth = c.Exam.AddDays(-ageDays)
		c.Months = jpdate.MonthsBetween(c.Birth, c.Exam)
		if c.Months < f.AgeMonths[0] || c.Months >= f.AgeMonths[1] { // month lengths: pull inside
			c.Birth = c.Exam.AddDays(-(f.AgeMonths[0]*31 + 1))
			c.Months = jpdate.MonthsBetween(c.Birth, c.Exam)
		}
		c.Size = r.NormFloat64()
	}
	return out
}

var surnames = []string{
	"サトウ", "スズキ", "タカハシ", "タナカ", "ワタナベ", "イトウ", "ヤマモト", "ナカムラ", "コバヤシ", "カトウ",
	"ヨシダ", "ヤマダ", "ササキ", "ヤマグチ", "マツモト", "イノウエ", "キムラ", "ハヤシ", "シミズ", "ヤマザキ",
	"モリ", "アベ", "イケダ", "ハシモト", "ヤマシタ", "イシカワ", "ナカジマ", "マエダ", "フジタ", "オガワ",
	"ゴトウ", "オカダ", "ハセガワ", "ムラカミ", "コンドウ", "イシイ", "サイトウ", "サカモト", "エンドウ", "アオキ",
	"フジイ", "ニシムラ", "フクダ", "オオタ", "ミウラ", "フジワラ", "オカモト", "マツダ", "ナカガワ", "ハットリ",
	"キクチ", "ショウジ", "チョウ", "ジョウノ", "リュウザキ", "キョウゴク", "ホッタ", "ハッタ", "ゴーダ", "シンジョウ",
}

var givenNames = []string{
	"ハルト", "ミナト", "ソウタ", "ユウト", "リク", "アオイ", "ヒナタ", "ユイ", "メイ", "リン",
	"サクラ", "ユナ", "ヒマリ", "ツムギ", "イツキ", "レン", "ソウ", "ハル", "ユヅキ", "アカリ",
	"ミオ", "コハル", "ヒロト", "タクミ", "ショウタ", "キョウコ", "リョウ", "シュン", "チヒロ", "ジュン",
	"ダイキ", "ユウマ", "ガク", "ゲン", "ジョウ", "ユーマ", "コーキ", "ユーリ", "ノア", "エマ",
	"リッカ", "イッセイ", "ミツキ", "ソラ", "カイ", "シオン", "チャコ", "リュウセイ", "キョウスケ", "ニコ",
}

var doctors = []string{"青山 一郎", "川辺 花子", "森田 健", "岡野 由美", "高木 誠", "野口 恵", "石原 大輔", "松井 直子"}
