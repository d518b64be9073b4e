package workspace

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
)

var ctx = context.Background()

func sampleCSV() string { return filepath.Join("..", "..", "testdata", "samples", "m4-exam.csv") }

// openReview opens the sample in a workspace, as the app does.
func openReview(t testing.TB, ws *Store) *review.Session {
	t.Helper()
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ocrcsv.ReadFile(sampleCSV(), set, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, saved, err := ws.Resume(ctx, File{Hash: b.Hash, Path: b.File, Form: b.Form.ID, Rows: len(b.Rows)}, "tester")
	if err != nil {
		t.Fatal(err)
	}
	s, err := review.Open(b, review.Options{User: "tester", Journal: ws.Journal(b.Hash), Growth: set.Growth}, saved)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestResumeAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	w := s.Batch.Form.Field("weight").Index
	s.Edit(ctx, 3, w, "6.55", "")
	s.Confirm(ctx, 4, w, "用紙と一致")
	s.Edit(ctx, 5, w, "6.10", "")
	s.Undo(ctx)
	ws.SaveCursor(ctx, s.Batch.Hash, 7, w)
	want := s.Stats()
	ws.Close()

	ws, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	r := openReview(t, ws)
	if r.Value(3, w) != "6.55" || r.Value(5, w) != s.OCR(5, w) || r.Stats() != want || !r.CanRedo() {
		t.Fatalf("resumed %q %q %+v, want %+v", r.Value(3, w), r.Value(5, w), r.Stats(), want)
	}
	if c, ok := r.Confirmed(4, w); !ok || c.User != "tester" {
		t.Fatal("confirmation lost")
	}
	files, _ := ws.Files(ctx)
	if len(files) != 1 || files[0].CurRow != 7 || files[0].CurField != w {
		t.Fatalf("files %+v", files)
	}
	if err := ws.Forget(ctx, r.Batch.Hash); err != nil {
		t.Fatal(err)
	}
	var n int
	ws.db.DB.QueryRow(`SELECT count(*) FROM changes`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d changes left after Forget", n)
	}
}

// TestKill9KeepsEveryReportedEdit runs an editor in a subprocess, kills it
// with SIGKILL in the middle of its work, and checks that every edit it had
// reported as done is in the workspace and replays.
func TestKill9KeepsEveryReportedEdit(t *testing.T) {
	if os.Getenv("KENSHIN_EDITOR") != "" {
		t.Skip("helper")
	}
	for round, stopAfter := range []int{7, 23, 41} {
		path := filepath.Join(t.TempDir(), "ws.db")
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperEditor$", "-test.v")
		cmd.Env = append(os.Environ(), "KENSHIN_EDITOR="+path)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := -1
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "done "); ok {
				done, _ = strconv.Atoi(n)
				if done >= stopAfter {
					break
				}
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if done < stopAfter {
			t.Fatalf("round %d: helper stopped after %d edits", round, done)
		}
		ws, err := Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := openReview(t, ws) // replays whatever was saved: must not fail
		cs := r.Changes()
		if len(cs) < done+1 {
			t.Fatalf("round %d: %d changes saved, %d reported done", round, len(cs), done+1)
		}
		rows := len(r.Batch.Rows)
		for k := 0; k <= done; k++ {
			if cs[k].Row != k%rows || cs[k].New != editValue(k) {
				t.Fatalf("round %d: change %d is row %d %q, want row %d %q", round, k, cs[k].Row, cs[k].New, k%rows, editValue(k))
			}
		}
		last := cs[len(cs)-1] // the state is the replay of the journal
		if got := r.Value(last.Row, r.Batch.Form.Field("height").Index); got != last.New {
			t.Errorf("round %d: row %d height %q after replay, last change %q", round, last.Row, got, last.New)
		}
		ws.Close()
	}
}

// editValue never equals an OCR height (those have one decimal), and two
// edits of the same row differ.
func editValue(i int) string { return fmt.Sprintf("%d.%02d", 60+i%9, 1+i%97) }

// TestHelperEditor is the subprocess: it edits as fast as it can and says
// "done N" after each edit returns, until it is killed.
func TestHelperEditor(t *testing.T) {
	path := os.Getenv("KENSHIN_EDITOR")
	if path == "" {
		t.Skip("only run as a subprocess")
	}
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	h := s.Batch.Form.Field("height").Index
	for i := 0; ; i++ {
		if err := s.Edit(ctx, i%len(s.Batch.Rows), h, editValue(i), ""); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("done %d\n", i)
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	os.WriteFile(path, []byte("宛名番号,氏名\n1,テスト\n"), 0o600)
	_, err := Open(ctx, path, nil)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "SQLite のデータベースではありません") || !strings.Contains(err.Error(), "ws.db") {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "宛名番号") {
		t.Fatal("the foreign file must not be touched")
	}
}

func TestCorruptDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	openReview(t, ws)
	ws.Close()
	b, _ := os.ReadFile(path)
	for i := 100; i < len(b); i++ { // keep the header, scramble the pages
		b[i] ^= 0x5A
	}
	os.WriteFile(path, b, 0o600)
	os.Remove(path + "-wal")
	ws, err = Open(ctx, path, nil)
	if err == nil {
		_, _, err = ws.Resume(ctx, File{Hash: "x", Path: "x", Form: "m4-exam"}, "t")
	}
	if err == nil || !strings.Contains(err.Error(), "作業データ") {
		t.Fatalf("got %v", err)
	}
}

func TestLockedDatabase(t *testing.T) {
	old := busyTimeoutMS
	busyTimeoutMS = 100
	defer func() { busyTimeoutMS = old }()
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	s := openReview(t, ws)
	// another program holds the write lock
	other, _ := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(100)")
	defer other.Close()
	conn, _ := other.Conn(ctx)
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	w := s.Batch.Form.Field("weight").Index
	err = s.Edit(ctx, 0, w, "6.01", "")
	if err == nil || !strings.Contains(err.Error(), "使用中") {
		t.Fatalf("got %v", err)
	}
	if s.Value(0, w) == "6.01" {
		t.Fatal("an unsaved edit must not be applied")
	}
	conn.ExecContext(ctx, "ROLLBACK")
	if err := s.Edit(ctx, 0, w, "6.01", ""); err != nil {
		t.Fatalf("after the lock is gone: %v", err)
	}
	_ = time.Second
}
