package check

import (
	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

// Partners compares the 受診票 and the アンケート of one checkup, matched by
// 宛名番号: the same child must have the same 生年月日 and 受診日 on both, and
// a sheet without a partner hints at a misread number. It returns the
// findings for each side.
func Partners(a *Checker, sa Source, b *Checker, sb Source) (fa, fb []batch.Finding) {
	index := func(k *Checker, s Source) map[string]int {
		m := make(map[string]int, s.Len())
		for i := 0; i < s.Len(); i++ {
			if id := normalize.ReadID(s.Value(i, k.atena)).Digits; id != "" {
				if _, dup := m[id]; !dup {
					m[id] = i
				}
			}
		}
		return m
	}
	ia, ib := index(a, sa), index(b, sb)
	missing := func(k *Checker, s Source, own, other map[string]int, otherForm *form.Form) []batch.Finding {
		var out []batch.Finding
		for id, i := range own {
			if _, ok := other[id]; !ok {
				out = append(out, batch.Finding{Row: i + 1, Line: s.Line(i), Field: k.atena, Severity: batch.Warning, Code: CodePartnerMissing,
					Message: msg("宛名番号 %s の%sが見つかりません。番号の読み誤りか、用紙の不足を確認してください", id, otherForm.Title)})
			}
		}
		return out
	}
	fa = missing(a, sa, ia, ib, b.form)
	fb = missing(b, sb, ib, ia, a.form)
	for id, i := range ia {
		j, ok := ib[id]
		if !ok {
			continue
		}
		for _, key := range []string{form.KeyBirth, form.KeyExamDate} {
			fA, fB := a.form.Field(key), b.form.Field(key)
			pa := jpdate.Parse(sa.Value(i, fA.Index), jpdate.Reiwa)
			pb := jpdate.Parse(sb.Value(j, fB.Index), jpdate.Reiwa)
			if pa.Problem != jpdate.OK || pb.Problem != jpdate.OK || pa.Date == pb.Date {
				continue
			}
			text := msg("宛名番号 %s の%sが受診票とアンケートで違います（%s / %s）", id, fA.Label, pa.Date.Japanese(), pb.Date.Japanese())
			fa = append(fa, batch.Finding{Row: i + 1, Line: sa.Line(i), Field: fA.Index, Severity: batch.Warning, Code: CodePartnerMismatch, Message: text})
			fb = append(fb, batch.Finding{Row: j + 1, Line: sb.Line(j), Field: fB.Index, Severity: batch.Warning, Code: CodePartnerMismatch, Message: text})
		}
	}
	sortFindings(fa)
	sortFindings(fb)
	return fa, fb
}

// lrPartner: the same date read on the child's other sheet. A misread
// lands on exactly the date the other sheet gives only when it keeps the
// value (a spelling changed), so the ratio is small.
const lrPartner = 0.05

// ConfirmByPartner weighs the low-confidence findings on 生年月日 and 受診日
// of both sides with the partner sheet (matched by 宛名番号): the same date on
// the other sheet confirms the reading, and a finding whose suspicion drops
// below the warning level becomes info. It changes fa and fb in place.
func ConfirmByPartner(a *Checker, sa Source, fa []batch.Finding, b *Checker, sb Source, fb []batch.Finding) {
	index := func(k *Checker, s Source) map[string]int {
		m := make(map[string]int, s.Len())
		for i := 0; i < s.Len(); i++ {
			if id := normalize.ReadID(s.Value(i, k.atena)).Digits; id != "" {
				if _, dup := m[id]; !dup {
					m[id] = i
				}
			}
		}
		return m
	}
	ia, ib := index(a, sa), index(b, sb)
	weigh := func(k *Checker, s Source, fs []batch.Finding, o *Checker, os Source, other map[string]int) {
		for n := range fs {
			f := &fs[n]
			if f.Code != CodeLowConfidence || !f.Severity.Asks() || f.Row < 1 || (f.Field != k.birth && f.Field != k.exam) {
				continue
			}
			i := f.Row - 1
			j, ok := other[normalize.ReadID(s.Value(i, k.atena)).Digits]
			if !ok {
				continue
			}
			key := form.KeyBirth
			if f.Field == k.exam {
				key = form.KeyExamDate
			}
			pa := jpdate.Parse(s.Value(i, f.Field), jpdate.Reiwa)
			pb := jpdate.Parse(os.Value(j, o.form.Field(key).Index), jpdate.Reiwa)
			if pa.Problem != jpdate.OK || pb.Problem != jpdate.OK || pa.Date != pb.Date {
				continue
			}
			odds := f.Score / (1 - min(f.Score, 0.999)) * lrPartner
			f.Score = odds / (1 + odds)
			if f.Score < warnAt && !otherAsks(fs, n) {
				f.Severity = batch.Info
				f.Message += "（もう一方の用紙と一致するため参考扱い）"
			}
		}
	}
	weigh(a, sa, fa, b, sb, ib)
	weigh(b, sb, fb, a, sa, ia)
}

// otherAsks reports whether another asking finding sits on the cell of
// fs[n]. A row's findings are contiguous (All and Row make them so), so only
// the neighbours are looked at.
func otherAsks(fs []batch.Finding, n int) bool {
	f := &fs[n]
	for _, step := range []int{-1, 1} {
		for k := n + step; k >= 0 && k < len(fs) && fs[k].Row == f.Row; k += step {
			if fs[k].Field == f.Field && fs[k].Severity.Asks() {
				return true
			}
		}
	}
	return false
}
