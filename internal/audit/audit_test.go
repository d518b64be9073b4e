package audit

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("test-key-0123456789abcdef0123456")

func chain(n int) []Event {
	var out []Event
	t := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		e := Event{At: t.Add(time.Duration(i) * time.Minute), User: "clerk1", Terminal: "T1", Kind: CellChanged, Object: fmt.Sprintf("row %d", i), Detail: "6.5 → 6.54"}
		var last *Event
		if i > 0 {
			last = &out[i-1]
		}
		Seal(testKey, last, &e)
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
		{"rehashed after edit", func(e []Event) []Event { e[2].Detail = "x"; e[2].Hash = e[2].Digest(testKey); return e }, 4, "つながり"},
		{"renumbered after removal", func(e []Event) []Event {
			e = append(e[:2], e[3:]...)
			for i := 2; i < len(e); i++ {
				e[i].Seq--
				e[i].Hash = e[i].Digest(testKey)
			}
			return e
		}, 3, "つながり"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Verify(testKey, tt.tamper(chain(6)))
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

func TestKeyed(t *testing.T) {
	// Whoever edits an entry and re-seals the whole chain without the key
	// must be caught on the first edited entry.
	e := chain(4)
	other := []byte("someone else's key, not the store")
	e[1].Detail = "edited"
	for i := 1; i < len(e); i++ {
		Seal(other, &e[i-1], &e[i])
	}
	if p := Verify(testKey, e); p == nil || p.Seq != 2 {
		t.Fatalf("got %v, want entry 2 reported", p)
	}
}

func TestHead(t *testing.T) {
	e := chain(5)
	h := HeadOf(&e[4])
	tests := []struct {
		name   string
		events []Event
		head   string
		ok     bool
	}{
		{"same", e, h.String(), true},
		{"short hash", e, fmt.Sprintf("5:%s", h.Hash[:10]), true},
		{"earlier head", e, HeadOf(&e[2]).String(), true},
		{"tail deleted", e[:4], h.String(), false},
		{"other hash", e, "5:" + strings.Repeat("a", 64), false},
		{"empty expect", nil, "0:" + Genesis, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := ParseHead(tt.head)
			if err != nil {
				t.Fatal(err)
			}
			if got := Contains(tt.events, want); (got == nil) != tt.ok {
				t.Fatalf("Contains = %v, want ok=%v", got, tt.ok)
			}
		})
	}
	for _, bad := range []string{"", "5", "x:abcdefgh", "5:abc", "5:zzzzzzzzzz"} {
		if _, err := ParseHead(bad); err == nil {
			t.Errorf("ParseHead(%q) accepted", bad)
		}
	}
}

// TestEveryKindHasALabel: the audit list and report show Japanese, never a
// raw kind name.
func TestEveryKindHasALabel(t *testing.T) {
	for _, k := range []string{Login, LoginFailed, Logout, Lock, Unlock, FileOpened, CellChanged, Confirmed, Unconfirmed,
		ReportWritten, Submitted, ImportWritten, UserAdded, UserPassword, UserDisabled, Denied, AuditRead,
		StatsExported, Imported, Purged, WorkCopyDeleted, AuditReport, CheckStarted, CheckField, CheckDecided,
		SampleDrawn, Backup, Restored, Lockout} {
		if l := Label(k); l == k || l == "" {
			t.Errorf("kind %q has no Japanese label", k)
		}
	}
}

// TestDigestFieldBoundaries: moving bytes between adjacent fields changes
// the hash, even when the moved bytes are the old separator 0x1f, so an
// entry cannot be rewritten into another under the same seal.
func TestDigestFieldBoundaries(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	// base holds the old separator inside two fields, as typed text can.
	base := Event{Seq: 3, At: at, User: "clerk1", Terminal: "PC\x1f01", Kind: CellChanged, Object: "row 2", Detail: "weight\x1f7.25", Prev: Genesis}
	tests := []struct {
		name string
		edit func(e *Event)
	}{
		{"object/detail boundary moved", func(e *Event) { e.Object, e.Detail = "row 2\x1fweight", "7.25" }},
		{"user/terminal boundary moved", func(e *Event) { e.User, e.Terminal = "clerk1\x1fPC", "01" }},
		{"byte moved across", func(e *Event) { e.Object, e.Detail = "row ", "2weight\x1f7.25" }},
	}
	want := base.Digest(testKey)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base
			tt.edit(&e)
			if e.Digest(testKey) == want {
				t.Fatalf("%+v hashes like %+v", e, base)
			}
		})
	}
}

// TestShippedFieldsAreSealed: a shipped entry's spool id and arrival time
// are under its seal, while an entry without them hashes exactly as before
// they existed (so every chain written earlier still verifies).
func TestShippedFieldsAreSealed(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	plain := Event{Seq: 1, At: at, User: "clerk1", Terminal: "PC01", Kind: CellChanged, Object: "row 2", Detail: "step=edit", Prev: Genesis}
	// the digest of plain as computed before spooling was added
	const before = "909a430dd15cacf4cce2287cb79085a95c7591897b045790f8fb0f30496fb245"
	if got := plain.Digest(testKey); got != before {
		t.Errorf("an entry without a spool id hashes to %s, was %s: older chains would no longer verify", got, before)
	}
	shipped := plain
	shipped.SpoolID, shipped.Arrived = "PC01-0123abcd", at.Add(time.Hour)
	want := shipped.Digest(testKey)
	if want == plain.Digest(testKey) {
		t.Fatal("the spool fields are not in the digest")
	}
	for _, tt := range []struct {
		name string
		edit func(e *Event)
	}{
		{"spool id stripped", func(e *Event) { e.SpoolID = "" }},
		{"spool id changed", func(e *Event) { e.SpoolID = "PC01-0123abce" }},
		{"arrival moved", func(e *Event) { e.Arrived = e.Arrived.Add(time.Second) }},
		{"action time moved", func(e *Event) { e.At = e.At.Add(time.Second) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := shipped
			tt.edit(&e)
			if e.Digest(testKey) == want {
				t.Fatalf("%+v hashes like the shipped entry", e)
			}
		})
	}
}
