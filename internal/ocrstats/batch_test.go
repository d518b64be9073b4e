package ocrstats

import (
	"slices"
	"testing"
	"time"

	"kenshin/internal/submission"
)

func TestFromBatch(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	b := &submission.Batch{
		Form: "y1-exam", Centre: 3, Keys: []string{"weight", "judgement"},
		SubmittedAt: time.Date(2026, 4, 30, 16, 0, 0, 0, time.UTC), // 1 May in Japan
		Records: []submission.Record{
			{Row: 1, Values: map[string]string{"weight": "9.60", "judgement": "1"}, OCR: map[string]string{"weight": "9.0", "judgement": "7"}},
			{Row: 2, Values: map[string]string{"weight": "8.20", "judgement": "1"}, OCR: map[string]string{"weight": "8.2", "judgement": "1"}},
		},
		Trail: []submission.Cell{
			{Row: 1, Key: "weight", OCR: "9.0", Final: "9.6", Edited: true},
			{Row: 1, Key: "judgement", OCR: "7", Final: "1", Edited: true},
			{Row: 2, Key: "weight", OCR: "8.2", Final: "8.2", Confirmed: true},
			{Row: 2, Key: "", Confirmed: true}, // a row confirmation has no field
		},
	}
	got := FromBatch(b, jst)
	want := []Entry{
		{"y1-exam", 3, "2026-05", "weight", "9.0", "9.6", true},
		{"y1-exam", 3, "2026-05", "judgement", "7", "1", true},
		{"y1-exam", 3, "2026-05", "weight", "8.2", "8.20", false},
		{"y1-exam", 3, "2026-05", "judgement", "1", "1", false},
	}
	if !slices.Equal(got, want) {
		t.Errorf("FromBatch =\n%v\nwant\n%v", got, want)
	}
	s := Compute(got, Options{})
	if s.Errors != 2 || !slices.Equal(s.Confusions, []Confusion{{"judgement", "7", "1", 1}, {"weight", "0", "6", 1}}) {
		t.Errorf("stats of the batch: %d errors, %v", s.Errors, s.Confusions)
	}
}
