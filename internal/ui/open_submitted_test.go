package ui

import (
	"testing"

	"kenshin/internal/submission"
)

// TestSubmittedAs: the 送信済み notice matches a stored batch on the file's
// content hash only — not on name, form and row count.
func TestSubmittedAs(t *testing.T) {
	list := []submission.Info{ // newest first, as App.Batches lists them
		{ID: 4, FileHash: "bbb", File: "m4_0401.csv", Form: "m4-exam", Rows: 30},
		{ID: 3, FileHash: "aaa", File: "renamed.csv", Form: "m4-exam", Rows: 30},
		{ID: 2, FileHash: "aaa", File: "m4_0401.csv", Form: "m4-exam", Rows: 30},
		{ID: 1, FileHash: "", File: "old.csv", Form: "m4-exam", Rows: 30},
	}
	tests := []struct {
		name string
		hash string
		want int64 // 0: no notice
	}{
		{"the newest batch of the same bytes, whatever its name", "aaa", 3},
		{"same name, form and rows but other bytes", "ccc", 0},
		{"another file", "bbb", 4},
		{"no hash matches nothing", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := submittedAs(list, tt.hash)
			if (got == nil) != (tt.want == 0) || (got != nil && got.ID != tt.want) {
				t.Errorf("submittedAs(%q) = %+v, want batch %d", tt.hash, got, tt.want)
			}
		})
	}
}
