// Package storetest is the one contract every central store backend
// (SQLite file, PostgreSQL server) must keep, written once and run against
// each: a backend's test calls Exercise with a function that opens a fresh,
// empty store (in the style of hashicorp/vault's ExerciseBackend).
//
// The multi-process test re-executes the test binary as helper processes;
// a backend enables it by calling Main from its TestMain:
//
//	func TestMain(m *testing.M) { storetest.Main(m, reopen) }
package storetest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/submission"
)

// Keys are the field keys of the synthetic form the suite submits.
var Keys = []string{"atena", "exam_date", "name_kana", "sex", "height", "weight", "head", "chest", "venue", "note"}

// Base is the time every synthetic batch is stamped from.
var Base = time.Date(2026, 4, 1, 9, 0, 0, 123456789, time.UTC)

// NewBatch makes a synthetic (dummy) batch: n records of form formID whose
// 宛名番号 are first, first+1, …, examined on date (ISO), with a trail entry
// for every third record. seed makes the batch key unique.
func NewBatch(seed string, formID string, centre, first, n int, date string) *submission.Batch {
	b := &submission.Batch{
		Key: "key-" + seed, FileHash: "hash-" + seed, File: "ダミー_" + seed + ".csv", Form: formID, Checkup: "4m",
		Centre: centre, Reviewer: "reviewer1", Submitter: "clerk1", SubmittedAt: Base,
		Stats: review.Stats{Rows: n, Errors: 0, Warnings: 2, Corrected: n / 3, Confirmed: 1},
		Keys:  Keys,
	}
	b.Records = make([]submission.Record, n)
	for i := range n {
		atena := fmt.Sprintf("%08d", first+i)
		v := map[string]string{
			"atena": atena, "exam_date": date, "name_kana": "ダミー タロウ", "sex": strconv.Itoa(1 + i%2),
			"height": fmt.Sprintf("%d.%d", 60+i%10, i%10), "weight": fmt.Sprintf("%d.%02d", 6+i%3, i%100),
			"head": "40.1", "chest": "41.0", "venue": strconv.Itoa(centre), "note": `メモ "引用" \ と改行` + "\n",
		}
		ocr := make(map[string]string, len(v))
		for k, x := range v {
			ocr[k] = x
		}
		if i%3 == 0 {
			ocr["weight"] = "6.O5" // what OCR read before the clerk fixed it
		}
		b.Records[i] = submission.Record{Row: i + 1, Line: i + 2, Atena: atena, ExamDate: date, Values: v, OCR: ocr}
		if i%3 == 0 {
			b.Trail = append(b.Trail, submission.Cell{Row: i + 1, Key: "weight", OCR: "6.O5", Final: v["weight"],
				Findings: []string{"W001: 数字に O が含まれます"}, Confidence: 0.42, HasConfidence: true,
				Edited: true, EditedBy: "clerk1", EditedAt: Base.Add(time.Duration(i) * time.Second)})
		}
	}
	if n > 0 {
		b.Trail = append(b.Trail, submission.Cell{Row: 1, Key: "head", OCR: "40.1", Final: "40.1", Confirmed: true,
			ConfirmedBy: "reviewer1", ConfirmReason: "用紙どおり", ConfirmedAt: Base.Add(90 * time.Second)})
	}
	return b
}

// Submit stores b and its audit entry in one Update, the way the
// application layer's Submit does.
func Submit(ctx context.Context, st app.Store, b *submission.Batch, d map[int]submission.Decision, user string) (submission.Result, error) {
	key, err := st.AuditKey(ctx)
	if err != nil {
		return submission.Result{}, err
	}
	var res submission.Result
	err = st.Update(ctx, func(tx app.Tx) error {
		r, err := tx.InsertBatch(ctx, b, d)
		if err != nil {
			return err
		}
		res = r
		return appendEntry(ctx, tx, key, user, audit.Submitted, fmt.Sprintf("batch %d", r.BatchID))
	})
	return res, err
}

func appendEntry(ctx context.Context, tx app.Tx, key []byte, user, kind, object string) error {
	last, err := tx.LastAudit(ctx)
	if err != nil {
		return err
	}
	e := audit.Event{At: time.Now(), User: user, Terminal: "term-" + user, Kind: kind, Object: object}
	audit.Seal(key, last, &e)
	return tx.AppendAudit(ctx, e)
}

// User is a synthetic user.
func User(name string, roles ...string) *auth.User {
	return &auth.User{Name: name, Roles: roles, Hash: "$argon2id$dummy$" + name, CreatedAt: Base}
}

// Rows counts what the store holds, by ExportRecords over every form given.
func Rows(ctx context.Context, st app.Store, forms ...string) (map[string]int, error) {
	out := map[string]int{}
	err := st.View(ctx, func(tx app.Tx) error {
		for _, f := range forms {
			if err := tx.ExportRecords(ctx, f, submission.Filter{}, func(r submission.Stored) error {
				out[r.Atena]++
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func hasPassword(loc string) bool {
	return strings.Contains(loc, ":secret@") || strings.Contains(loc, "password=")
}
