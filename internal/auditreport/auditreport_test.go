package auditreport

import (
	"slices"
	"strings"
	"testing"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/benchmem"
)

var jst = time.FixedZone("JST", 9*3600)

// 2026-06-01 is a Monday.
func at(day, hour, min int) time.Time { return time.Date(2026, 6, day, hour, min, 0, 0, jst).UTC() }

type ev struct {
	t            time.Time
	user, kind   string
	object, info string
}

func chain(evs []ev) []audit.Event {
	out := make([]audit.Event, 0, len(evs))
	for i, e := range evs {
		a := audit.Event{At: e.t, User: e.user, Terminal: "T1", Kind: e.kind, Object: e.object, Detail: e.info}
		var last *audit.Event
		if i > 0 {
			last = &out[i-1]
		}
		audit.Seal(testKey, last, &a)
		out = append(out, a)
	}
	return out
}

func month() []audit.Event {
	return chain([]ev{
		{at(1, 0, 0).Add(-time.Second), "clerk1", audit.Login, "user clerk1", ""}, // before the period
		{at(1, 9, 0), "clerk1", audit.Login, "user clerk1", ""},
		{at(1, 9, 5), "clerk1", audit.ImportWritten, "m4-exam m4.csv", "records=600 filter=all"},
		{at(1, 9, 6), "clerk1", audit.ImportWritten, "m4-exam m4b.csv", "records=12 filter=all"},
		{at(1, 9, 7), "clerk1", audit.ReportWritten, "file abc r.xlsx", "password=true"},
		{at(1, 7, 30), "clerk2", audit.Login, "user clerk2", ""},
		{at(1, 18, 59), "clerk2", audit.CellChanged, "row 3 weight", "6.5 → 6.8"},
		{at(1, 19, 0), "clerk2", audit.CellChanged, "row 4 weight", "6.5 → 6.9"},
		{at(2, 9, 0), "clerk3", audit.LoginFailed, "user clerk3", "パスワードが違います"},
		{at(2, 9, 1), "clerk3", audit.LoginFailed, "user clerk3", "パスワードが違います"},
		{at(2, 9, 2), "clerk3", audit.LoginFailed, "user clerk3", "ログインの失敗が続いたため 09:17 まで利用できません"},
		{at(2, 9, 3), "ghost", audit.LoginFailed, "user ghost", "利用者名かパスワードが違います"},
		{at(2, 10, 0), "clerk1", audit.Denied, "submit_override", ""},
		{at(6, 10, 0), "chief", audit.Login, "user chief", ""}, // Saturday
		{at(6, 10, 5), "chief", audit.UserAdded, "user clerk4", "role=clerk"},
		{at(8, 8, 0), "chief", audit.UserDisabled, "user clerk3", ""},
		{at(8, 8, 0).Add(time.Hour), "clerk1", audit.Login, "user clerk1", ""},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, jst), "clerk1", audit.Login, "user clerk1", ""}, // the end is exclusive
	})
}

var from, to = time.Date(2026, 6, 1, 0, 0, 0, 0, jst), time.Date(2026, 7, 1, 0, 0, 0, 0, jst)

func seqs(es []audit.Event) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestBuild(t *testing.T) {
	r := Build(month(), from, to, Options{Location: jst})
	if r.Events != 16 {
		t.Errorf("%d events in the period, want 16", r.Events)
	}
	var want [24]int
	want[9], want[7] = 2, 1
	want[10] = 1
	if r.LoginHours != want {
		t.Errorf("logins by hour %v, want %v", r.LoginHours, want)
	}
	if len(r.Logins) != 3 || r.Logins[0].User != "chief" || r.Logins[1].User != "clerk1" || r.Logins[1].Total != 2 || r.Logins[1].Hours[9] != 2 {
		t.Errorf("logins by user %+v", r.Logins)
	}
	if got, want := r.Failures, []Count{{"clerk3", 3}, {"ghost", 1}}; !slices.Equal(got, want) {
		t.Errorf("failures %v, want %v", got, want)
	}
	if got := seqs(r.Lockouts); !slices.Equal(got, []int64{11}) {
		t.Errorf("lockouts %v, want [11]", got)
	}
	// 7:30 Monday, 19:00 Monday, Saturday twice.
	if got := seqs(r.OffHours); !slices.Equal(got, []int64{6, 8, 14, 15}) {
		t.Errorf("off hours %v, want [6 8 14 15]", got)
	}
	if len(r.Exports) != 3 || r.Exports[0].Records != 600 || !r.Exports[0].Bulk || r.Exports[1].Bulk || r.Exports[2].Records != -1 || r.Exports[2].Bulk {
		t.Errorf("exports %+v", r.Exports)
	}
	if got := seqs(r.Denied); !slices.Equal(got, []int64{13}) {
		t.Errorf("denied %v", got)
	}
	if got := seqs(r.UserChanges); !slices.Equal(got, []int64{15, 16}) {
		t.Errorf("user changes %v", got)
	}
	if r.ByKind[0] != (Count{audit.Login, 4}) {
		t.Errorf("by kind %v", r.ByKind)
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name     string
		opt      Options
		offHours []int64
		bulk     int
		lockouts int
	}{
		{"defaults", Options{Location: jst}, []int64{6, 8, 14, 15}, 1, 1},
		{"7:00–20:00", Options{Location: jst, WorkStart: 7 * time.Hour, WorkEnd: 20 * time.Hour}, []int64{14, 15}, 1, 1},
		{"8:30–17:15", Options{Location: jst, WorkStart: 8*time.Hour + 30*time.Minute, WorkEnd: 17*time.Hour + 15*time.Minute}, []int64{6, 7, 8, 14, 15, 16}, 1, 1},
		{"bulk from 10", Options{Location: jst, BulkRecords: 10}, []int64{6, 8, 14, 15}, 2, 1},
		{"UTC clock", Options{Location: time.UTC}, nil, 1, 1},
		{"explicit lockout kind only", Options{Location: jst, Lockout: func(e audit.Event) bool { return e.Kind == KindLockout }}, []int64{6, 8, 14, 15}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Build(month(), from, to, tt.opt)
			got := seqs(r.OffHours)
			if tt.offHours != nil && !slices.Equal(got, tt.offHours) {
				t.Errorf("off hours %v, want %v", got, tt.offHours)
			}
			bulk := 0
			for _, e := range r.Exports {
				if e.Bulk {
					bulk++
				}
			}
			if bulk != tt.bulk || len(r.Lockouts) != tt.lockouts {
				t.Errorf("bulk %d lockouts %d, want %d %d", bulk, len(r.Lockouts), tt.bulk, tt.lockouts)
			}
		})
	}
}

func TestRecords(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"records=600 filter=all", 600},
		{"filter=all records=3", 3},
		{"records=0", 0},
		{"password=true", -1},
		{"xrecords=5", -1},
		{"records=5x", -1},
		{"records=", -1},
		{"records=1234567890", -1},
		{"", -1},
	}
	for _, tt := range tests {
		if got := Records(tt.in); got != tt.want {
			t.Errorf("Records(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func FuzzRecords(f *testing.F) {
	for _, s := range []string{"records=600 filter=all", "records=", "a records=9;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Records(s)
		if n < -1 {
			t.Fatalf("Records(%q) = %d", s, n)
		}
		if n >= 0 && !strings.Contains(s, "records=") {
			t.Fatalf("Records(%q) = %d without records=", s, n)
		}
	})
}

func TestChainText(t *testing.T) {
	tests := []struct {
		c    Chain
		want string
	}{
		{Chain{}, "未検証"},
		{Chain{Checked: true, Entries: 18, Head: "18:ab"}, "異常なし（18 件、先頭 18:ab）"},
		{Chain{Checked: true, Problem: &audit.Problem{Seq: 7, Msg: "内容が書き換えられています"}}, "異常あり: 操作記録 7 番: 内容が書き換えられています"},
	}
	for _, tt := range tests {
		if got := tt.c.Text(); got != tt.want {
			t.Errorf("Text() = %q, want %q", got, tt.want)
		}
	}
}

// A busy month: 4 centres, 20 clerks, 100k entries.
func BenchmarkBuild100k(b *testing.B) {
	kinds := []string{audit.Login, audit.CellChanged, audit.CellChanged, audit.Confirmed, audit.FileOpened, audit.ImportWritten, audit.LoginFailed, audit.Logout}
	es := make([]audit.Event, 100_000)
	for i := range es {
		es[i] = audit.Event{Seq: int64(i + 1), At: from.Add(time.Duration(i) * 26 * time.Second), User: "clerk" + string(rune('a'+i%20)), Kind: kinds[i%len(kinds)], Detail: "records=" + string(rune('1'+i%9))}
	}
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		Build(es, from, to, Options{Location: jst})
	}
	tr.Report()
}

// testKey seals the synthetic chain as a store's audit key would.
var testKey = []byte("auditreport-test-key-0123456789ab")

// TestLockoutKind: a log that carries lockout entries is read by kind
// alone; the failed logins refused by the lock are not lockouts.
func TestLockoutKind(t *testing.T) {
	ev := []audit.Event{
		{Seq: 1, At: at(2, 9, 0), User: "clerk3", Kind: audit.LoginFailed, Object: "user clerk3", Detail: "ログインの失敗が続いたため 09:17 まで利用できません"},
		{Seq: 2, At: at(2, 9, 0), User: "clerk3", Kind: audit.Lockout, Object: "user clerk3", Detail: "until=2026-04-02T09:17:00+09:00"},
		{Seq: 3, At: at(2, 9, 5), User: "clerk3", Kind: audit.LoginFailed, Object: "user clerk3", Detail: "ログインの失敗が続いたため 09:17 まで利用できません"},
	}
	r := Build(ev, from, to, Options{Location: jst})
	if got := seqs(r.Lockouts); !slices.Equal(got, []int64{2}) {
		t.Errorf("lockouts %v, want [2]", got)
	}
	if !IsLockout(ev[1]) || IsLockout(ev[0]) || !IsLegacyLockout(ev[0]) {
		t.Error("IsLockout must read the kind; IsLegacyLockout the message")
	}
}
