package workspace

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"kenshin/internal/sampling"
)

// TestSampleKept: the sample and its audit entry are saved together or not
// at all, one sample a file, marks and drops persist across a reopen, and
// Forget (the file submitted) deletes the sample with the working copy.
func TestSampleKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ws.Close() }()
	hash := openReview(t, ws).Batch.Hash
	sm := &sampling.Sample{Seed: 1<<64 - 3, Population: 90, // a seed above MaxInt64 keeps its bits
		Cells: []sampling.Cell{{Row: 1, Key: "weight"}, {Row: 2, Key: "height"}, {Row: 2, Key: "weight"}},
		Marks: make([]sampling.Mark, 3)}
	reopen := func() error {
		if err := ws.Close(); err != nil {
			return err
		}
		ws, err = Open(ctx, path, nil)
		return err
	}
	steps := []struct {
		name    string
		do      func() error
		wantErr error // nil: none; errAny: some
		want    *sampling.Sample
	}{
		{"nothing drawn", func() error { return nil }, nil, nil},
		{"an entry that cannot be spooled takes the sample with it", func() error {
			return ws.SaveSample(ctx, hash, sm, "clerk1", []SpoolEntry{spoolEntry(1), spoolEntry(1)})
		}, errAny, nil},
		{"drawn", func() error { return ws.SaveSample(ctx, hash, sm, "clerk1", []SpoolEntry{spoolEntry(2)}) }, nil, sm},
		{"one sample a file", func() error { return ws.SaveSample(ctx, hash, sm, "clerk1", nil) }, ErrSampleExists, sm},
		{"marked", func() error {
			if err := ws.MarkSample(ctx, hash, sm.Cells[0], sampling.Right, "clerk1"); err != nil {
				return err
			}
			return ws.MarkSample(ctx, hash, sm.Cells[2], sampling.Wrong, "clerk1")
		}, nil, &sampling.Sample{Seed: sm.Seed, Population: 90, Cells: sm.Cells, Marks: []sampling.Mark{1, 0, 2}, By: []string{"clerk1", "", "clerk1"}}},
		{"a cell not in the sample", func() error {
			return ws.MarkSample(ctx, hash, sampling.Cell{Row: 9, Key: "weight"}, sampling.Right, "clerk1")
		}, errAny,
			&sampling.Sample{Seed: sm.Seed, Population: 90, Cells: sm.Cells, Marks: []sampling.Mark{1, 0, 2}, By: []string{"clerk1", "", "clerk1"}}},
		{"reopened", reopen, nil, &sampling.Sample{Seed: sm.Seed, Population: 90, Cells: sm.Cells, Marks: []sampling.Mark{1, 0, 2}, By: []string{"clerk1", "", "clerk1"}}},
		{"a cell dropped", func() error {
			return ws.DropSampleCells(ctx, hash, sm.Cells[1:2], []SpoolEntry{spoolEntry(3)})
		}, nil, &sampling.Sample{Seed: sm.Seed, Population: 90, Cells: []sampling.Cell{sm.Cells[0], sm.Cells[2]}, Marks: []sampling.Mark{1, 2}, By: []string{"clerk1", "clerk1"}}},
		{"forgotten with the file", func() error { return ws.Forget(ctx, hash) }, nil, nil},
	}
	for _, st := range steps {
		err := st.do()
		switch {
		case st.wantErr == errAny && err == nil, st.wantErr == nil && err != nil,
			st.wantErr != nil && st.wantErr != errAny && !errors.Is(err, st.wantErr):
			t.Fatalf("%s: error %v, want %v", st.name, err, st.wantErr)
		}
		got, err := ws.LoadSample(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, st.want) {
			t.Fatalf("%s: kept\n %+v\nwant %+v", st.name, got, st.want)
		}
	}
	if got := unsent(t, ws); len(got) != 2 || got[0].ID != spoolEntry(2).ID || got[1].ID != spoolEntry(3).ID {
		t.Errorf("spooled %+v, want the draw and the drop", got)
	}
}

var errAny = errors.New("any error")

// TestHelperSampler is the subprocess of TestSampleMarksSurviveKill9: it
// draws a sample, marks 5 cells, says "ready" and waits to be killed.
func TestHelperSampler(t *testing.T) {
	path := os.Getenv("KENSHIN_SAMPLER")
	if path == "" {
		t.Skip("only run as a subprocess")
	}
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	sm := sampling.Draw(sampling.Unflagged(s), 42)
	if err := ws.SaveSample(ctx, s.Batch.Hash, sm, "clerk1", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		m := sampling.Right
		if i == 3 {
			m = sampling.Wrong
		}
		if err := ws.MarkSample(ctx, s.Batch.Hash, sm.Cells[i], m, "clerk1"); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("ready")
	select {}
}

// TestSampleMarksSurviveKill9: the marks reported saved are there after
// the process is killed, in a working copy that opens clean.
func TestSampleMarksSurviveKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSampler$", "-test.v")
	cmd.Env = append(os.Environ(), "KENSHIN_SAMPLER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	ready := false
	for sc.Scan() {
		if sc.Text() == "ready" {
			ready = true
			break
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if !ready {
		t.Fatal("sampler helper failed")
	}
	ws, err := OpenChecked(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ws.Close() }()
	s := openReview(t, ws)
	got, err := ws.LoadSample(ctx, s.Batch.Hash)
	if err != nil || got == nil {
		t.Fatalf("sample after kill: %v %v", got, err)
	}
	want := sampling.Draw(sampling.Unflagged(s), 42)
	if !reflect.DeepEqual(got.Cells, want.Cells) || got.Seed != 42 {
		t.Fatalf("cells after kill differ from the draw")
	}
	marked, wrong := got.Counts()
	if marked != 5 || wrong != 1 || got.Marks[3] != sampling.Wrong {
		t.Errorf("after kill: %d marked, %d wrong (%v)", marked, wrong, got.Marks[:6])
	}
}
