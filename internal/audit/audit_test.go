package audit

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func chain(n int) []Event {
	var out []Event
	t := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		e := Event{At: t.Add(time.Duration(i) * time.Minute), User: "clerk1", Terminal: "T1", Kind: CellChanged, Object: fmt.Sprintf("row %d", i), Detail: "6.5 → 6.54"}
		var last *Event
		if i > 0 {
			last = &out[i-1]
		}
		Seal(last, &e)
		out = append(out, e)
	}
	return out
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		tamper func([]Event) []Event
		seq    int64
		msg    string
	}{
		{"intact", func(e []Event) []Event { return e }, 0, ""},
		{"edited detail", func(e []Event) []Event { e[3].Detail = "6.5 → 9.99"; return e }, 4, "書き換え"},
		{"edited user", func(e []Event) []Event { e[0].User = "boss"; return e }, 1, "書き換え"},
		{"removed", func(e []Event) []Event { return append(e[:2], e[3:]...) }, 4, "削除"},
		{"reordered", func(e []Event) []Event { e[2], e[3] = e[3], e[2]; return e }, 4, "順序"},
		{"rehashed after edit", func(e []Event) []Event { e[2].Detail = "x"; e[2].Hash = e[2].Digest(); return e }, 4, "つながり"},
		{"renumbered after removal", func(e []Event) []Event {
			e = append(e[:2], e[3:]...)
			for i := 2; i < len(e); i++ {
				e[i].Seq--
				e[i].Hash = e[i].Digest()
			}
			return e
		}, 3, "つながり"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Verify(tt.tamper(chain(6)))
			if tt.seq == 0 {
				if p != nil {
					t.Fatalf("intact log reported %v", p)
				}
				return
			}
			if p == nil || p.Seq != tt.seq || !strings.Contains(p.Msg, tt.msg) {
				t.Fatalf("got %v, want entry %d with %q", p, tt.seq, tt.msg)
			}
		})
	}
}
