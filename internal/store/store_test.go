package store

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/importfile"
	"kenshin/internal/review"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/submission"
)

var ctx = context.Background()
var t0 = fixture.T0

func forms(t testing.TB) *form.Set { return fixture.Forms(t) }

// session generates a file and opens its review; errorRate 0 gives a clean batch.
func session(t testing.TB, id string, rows int, seed uint64, errorRate float64) *review.Session {
	t.Helper()
	return fixture.Session(t, fixture.File{Form: id, Rows: rows, Seed: seed, ErrorRate: errorRate})
}

// clean confirms every open finding so the batch can go.
func clean(t testing.TB, s *review.Session) { t.Helper(); fixture.Clean(t, s) }

func build(t testing.TB, s *review.Session) *submission.Batch {
	t.Helper()
	b, err := submission.Build(s, submission.Options{Centre: 2, Submitter: "clerk1", Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func open(t testing.TB) *Store {
	t.Helper()
	s, err := Create(ctx, filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func count(t testing.TB, s *Store, q string) int {
	var n int
	if err := s.db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSubmitOnceAndWhole(t *testing.T) {
	st := open(t)
	rs := session(t, "m4-exam", 40, 1, 0.03)
	clean(t, rs)
	b := build(t, rs)
	res, err := st.Submit(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 40 || count(t, st, "SELECT count(*) FROM records") != 40 {
		t.Fatalf("stored %+v", res)
	}
	if n := count(t, st, "SELECT count(*) FROM trail"); n != len(b.Trail) || n == 0 {
		t.Fatalf("trail %d, batch has %d", n, len(b.Trail))
	}
	if n := count(t, st, "SELECT count(*) FROM trail WHERE confirmed = 1 AND confirmed_by = 'clerk1'"); n == 0 {
		t.Fatal("confirmations must be in the trail with who")
	}
	// the same review again: refused, nothing added
	if _, err := st.Submit(ctx, build(t, rs), nil); !errors.Is(err, submission.ErrDuplicate) {
		t.Fatalf("resubmission: %v", err)
	}
	if count(t, st, "SELECT count(*) FROM batches") != 1 || count(t, st, "SELECT count(*) FROM records") != 40 {
		t.Fatal("a duplicate must store nothing")
	}
	list, _ := st.Batches(ctx)
	if len(list) != 1 || list[0].Form != "m4-exam" || list[0].Centre != 2 || list[0].Reviewer != "clerk1" || list[0].Stored != 40 {
		t.Fatalf("batches %+v", list)
	}
}

func TestErrorsNeedSupervisorOverride(t *testing.T) {
	rs := session(t, "m4-exam", 30, 2, 0.05)
	if rs.Stats().Errors == 0 {
		t.Fatal("want errors in the sample")
	}
	if _, err := submission.Build(rs, submission.Options{Centre: 1, Now: t0}); !errors.Is(err, submission.ErrErrorsRemain) {
		t.Fatalf("no override: %v", err)
	}
	if _, err := submission.Build(rs, submission.Options{Centre: 1, Now: t0, Override: &submission.Override{User: "clerk1", Reason: "急ぎ"}}); !errors.Is(err, submission.ErrNotAllowed) {
		t.Fatalf("clerk override: %v", err)
	}
	if _, err := submission.Build(rs, submission.Options{Centre: 1, Now: t0, MayOverride: true, Override: &submission.Override{User: "boss"}}); !errors.Is(err, submission.ErrNotAllowed) {
		t.Fatalf("override without reason: %v", err)
	}
	b, err := submission.Build(rs, submission.Options{Centre: 1, Now: t0, MayOverride: true, Override: &submission.Override{User: "boss", Reason: "用紙を確認済み、後日訂正"}})
	if err != nil {
		t.Fatal(err)
	}
	st := open(t)
	if _, err := st.Submit(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	if count(t, st, "SELECT count(*) FROM batches WHERE override_user = 'boss' AND override_reason LIKE '用紙%'") != 1 {
		t.Fatal("override not stored")
	}
	if count(t, st, "SELECT count(*) FROM trail WHERE overridden = 1") == 0 {
		t.Fatal("overridden cells not marked")
	}
}

func TestConflictsSkipOrReplace(t *testing.T) {
	st := open(t)
	first := session(t, "m4-exam", 20, 3, 0)
	clean(t, first)
	if _, err := st.Submit(ctx, build(t, first), nil); err != nil {
		t.Fatal(err)
	}
	// The same children again, one value corrected: a different review of the same sheets.
	again := session(t, "m4-exam", 20, 3, 0)
	clean(t, again)
	again.Edit(ctx, 0, again.Batch.Form.Field("head").Index, "41.1", "")
	b := build(t, again)
	conf, err := st.Conflicts(ctx, b)
	if err != nil || len(conf) != 20 {
		t.Fatalf("conflicts %d %v", len(conf), err)
	}
	var ue *submission.UnresolvedError
	if _, err := st.Submit(ctx, b, nil); !errors.As(err, &ue) || len(ue.Conflicts) != 20 || !errors.Is(err, submission.ErrUnresolved) {
		t.Fatalf("undecided: %v", err)
	}
	dec := map[int]submission.Decision{}
	for _, c := range conf {
		dec[c.Row] = submission.Decision{}
	}
	dec[1] = submission.Decision{Replace: true, Reason: ""} // replace without a reason: still unresolved
	if _, err := st.Submit(ctx, b, dec); !errors.As(err, &ue) || len(ue.Conflicts) != 1 {
		t.Fatalf("replace without reason: %v", err)
	}
	dec[1] = submission.Decision{Replace: true, Reason: "頭囲の読み誤りを訂正"}
	res, err := st.Submit(ctx, b, dec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stored != 1 || res.Replaced != 1 || res.Skipped != 19 {
		t.Fatalf("result %+v", res)
	}
	if count(t, st, "SELECT count(*) FROM records WHERE superseded_by IS NULL") != 20 ||
		count(t, st, "SELECT count(*) FROM records WHERE supersede_reason = '頭囲の読み誤りを訂正'") != 1 ||
		count(t, st, "SELECT count(*) FROM decisions") != 20 {
		t.Fatal("replacement bookkeeping")
	}
}

func TestExport(t *testing.T) {
	st := open(t)
	rs := session(t, "y3-exam", 25, 4, 0)
	clean(t, rs)
	b := build(t, rs)
	if _, err := st.Submit(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	f := forms(t).Form("y3-exam")
	data, res, err := st.Export(ctx, f, submission.Filter{}, "cp932")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := japanese.ShiftJIS.NewDecoder().String(string(data))
	lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
	if len(lines) != 26 || res.Records != 25 || !strings.HasPrefix(lines[0], "宛名番号,健診日,生年月日,性別") {
		t.Fatalf("export: %d lines, header %q", len(lines), lines[0])
	}
	cells := strings.Split(lines[1], ",")
	if len(cells[1]) != 8 || !strings.HasPrefix(cells[1], "202") || len(cells[0]) != 15 {
		t.Errorf("date yyyymmdd and 15-digit id: %v", cells[:3])
	}
	if cells[10] != "1" { // urine protein "-" mapped to the vendor's code 1
		t.Errorf("urine code %q", cells[10])
	}
	// date range: nothing before 2025
	if _, r, _ := st.Export(ctx, f, submission.Filter{To: "2024-12-31"}, "utf8"); r.Records != 0 {
		t.Errorf("range: %d", r.Records)
	}
	if err := st.Update(ctx, func(tx app.Tx) error {
		return tx.MarkExported(ctx, submission.Export{Form: f.ID, File: "out.csv", At: t0, By: "clerk1", Records: res.Records, Batches: res.Batches})
	}); err != nil {
		t.Fatal(err)
	}
	list, _ := st.Batches(ctx)
	if list[0].ExportedBy != "clerk1" || list[0].ExportedAt == "" {
		t.Errorf("exported mark %+v", list[0])
	}
}

func TestExportListsCharactersCP932CannotHold(t *testing.T) {
	st := open(t)
	rs := session(t, "m4-exam", 5, 5, 0)
	clean(t, rs)
	rs.Edit(ctx, 2, rs.Batch.Form.Field("doctor").Index, "𠮷田 一郎", "")
	rs.Edit(ctx, 3, rs.Batch.Form.Field("detail").Index, "経過観察〜再診", "")
	if _, err := st.Submit(ctx, build(t, rs), nil); err != nil {
		t.Fatal(err)
	}
	f := forms(t).Form("m4-exam")
	_, _, err := st.Export(ctx, f, submission.Filter{}, "cp932")
	var ue *importfile.UnencodableError
	if !errors.As(err, &ue) || len(ue.Cells) != 2 || !strings.Contains(err.Error(), "𠮷") || !strings.Contains(err.Error(), "医師名") || !strings.Contains(err.Error(), "U+301C") {
		t.Fatalf("got %v", err)
	}
	if _, _, err := st.Export(ctx, f, submission.Filter{}, "utf8"); err != nil {
		t.Fatalf("UTF-8 holds every character: %v", err)
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.db")
	os.WriteFile(foreign, []byte("宛名番号,氏名\n"), 0o600)
	if _, err := Open(ctx, foreign, Options{}); err == nil || !strings.Contains(err.Error(), "SQLite のデータベースではありません") || !strings.Contains(err.Error(), "foreign.db") {
		t.Fatalf("foreign: %v", err)
	}
	if b, _ := os.ReadFile(foreign); string(b) != "宛名番号,氏名\n" {
		t.Fatal("foreign file changed")
	}
	path := filepath.Join(dir, "central.db")
	st, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// corrupt
	corrupt := filepath.Join(dir, "corrupt.db")
	data, _ := os.ReadFile(path)
	for i := 100; i < len(data); i++ {
		data[i] ^= 0xA5
	}
	os.WriteFile(corrupt, data, 0o600)
	cs, err := Open(ctx, corrupt, Options{})
	if err == nil {
		_, err = cs.Batches(ctx)
		cs.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "中央データ") {
		t.Fatalf("corrupt: %v", err)
	}
}

func TestLockedStoreIsRetryable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.db")
	if c, err := Create(ctx, path); err != nil {
		t.Fatal(err)
	} else {
		c.Close()
	}
	a, err := Open(ctx, path, Options{BusyTimeoutMS: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	conn, _ := a.db.Conn(ctx)
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, path, Options{BusyTimeoutMS: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rs := session(t, "m4-exam", 5, 7, 0)
	clean(t, rs)
	_, err = b.Submit(ctx, build(t, rs), nil)
	var se *sqlitedb.Error
	if !errors.As(err, &se) || !se.Retryable() || !strings.Contains(err.Error(), "使用中") {
		t.Fatalf("locked: %v", err)
	}
	conn.ExecContext(ctx, "ROLLBACK")
	if _, err := b.Submit(ctx, build(t, rs), nil); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
}

// Two terminals submit to the same store at the same moment: both land.
func TestTwoTerminalsAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.db")
	if c, err := Create(ctx, path); err != nil {
		t.Fatal(err)
	} else {
		c.Close()
	}
	sessions := []*review.Session{session(t, "m4-exam", 300, 8, 0), session(t, "m18-exam", 300, 9, 0)}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, rs := range sessions {
		clean(t, rs)
		b := build(t, rs)
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := Open(ctx, path, Options{}) // its own connection, as another terminal
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			_, errs[i] = st.Submit(ctx, b, nil)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			var se *sqlitedb.Error
			if !errors.As(err, &se) || !se.Retryable() {
				t.Fatalf("neither success nor a retryable message: %v", err)
			}
		}
	}
	st := open(t)
	st.Close()
	st2, _ := Open(ctx, path, Options{})
	defer st2.Close()
	if n := count(t, st2, "SELECT count(*) FROM records"); n != 600 {
		t.Fatalf("records %d, want 600", n)
	}
}

// buildOverride builds a batch with errors let through by a supervisor, the
// quickest way to a large batch with a trail.
func buildOverride(rs *review.Session) (*submission.Batch, error) {
	return submission.Build(rs, submission.Options{Centre: 3, Submitter: "boss", Now: t0,
		MayOverride: true, Override: &submission.Override{User: "boss", Reason: "試験"}})
}

func TestValuesRoundTrip(t *testing.T) {
	m := map[string]string{"a": `q"uote\back`, "b": "改行\nと\tタブ", "c": "", "d": "𠮷①"}
	var sb strings.Builder
	s := encodeValues(&sb, []string{"a", "b", "c", "d"}, m)
	var std map[string]string
	if err := json.Unmarshal([]byte(s), &std); err != nil {
		t.Fatalf("not JSON: %v: %s", err, s)
	}
	got := map[string]string{}
	if err := decodeValues(s, func(k, v string) { got[k] = v }); err != nil {
		t.Fatal(err)
	}
	for k, v := range m {
		if got[k] != v || std[k] != v {
			t.Errorf("%s: %q / %q, want %q", k, got[k], std[k], v)
		}
	}
}

func TestLoadBatchKeepsOCRText(t *testing.T) {
	st := open(t)
	rs := session(t, "m4-exam", 10, 31, 0.05)
	if err := rs.Edit(ctx, 0, rs.Batch.Form.Field("weight").Index, "6.61", ""); err != nil {
		t.Fatal(err)
	}
	b, err := buildOverride(rs)
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Submit(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.LoadBatch(ctx, res.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 10 || len(got.Records) != len(b.Records) {
		t.Fatalf("%d records loaded, %d submitted; want 10", len(got.Records), len(b.Records))
	}
	// row 0 carries the edit: its final weight is the clerk's, its OCR text
	// what was read, and they differ
	if w := got.Records[0].Values["weight"]; w != "6.61" {
		t.Errorf("row 0 final weight %q, want 6.61", w)
	}
	if o, ok := got.Records[0].OCR["weight"]; !ok || o == "6.61" {
		t.Errorf("row 0 OCR weight %q (present %v): want the text read, not the edit", o, ok)
	}
	for i, r := range got.Records {
		if len(r.OCR) != len(b.Records[i].OCR) {
			t.Fatalf("row %d: %d OCR values loaded, %d submitted", r.Row, len(r.OCR), len(b.Records[i].OCR))
		}
		for k, v := range b.Records[i].OCR {
			if r.OCR[k] != v || r.Values[k] != b.Records[i].Values[k] {
				t.Fatalf("row %d %s: OCR %q/%q final %q/%q", r.Row, k, r.OCR[k], v, r.Values[k], b.Records[i].Values[k])
			}
		}
	}
	if len(got.Trail) != len(b.Trail) || got.Override == nil || got.ID != res.BatchID {
		t.Fatalf("trail %d/%d override %v", len(got.Trail), len(b.Trail), got.Override)
	}
}
