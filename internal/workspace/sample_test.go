package workspace

import (
	"errors"
	"path/filepath"
	"reflect"
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
			if err := ws.MarkSample(ctx, hash, sm.Cells[0], sampling.Right); err != nil {
				return err
			}
			return ws.MarkSample(ctx, hash, sm.Cells[2], sampling.Wrong)
		}, nil, &sampling.Sample{Seed: sm.Seed, Population: 90, Cells: sm.Cells, Marks: []sampling.Mark{1, 0, 2}}},
		{"a cell not in the sample", func() error { return ws.MarkSample(ctx, hash, sampling.Cell{Row: 9, Key: "weight"}, sampling.Right) }, errAny,
			&sampling.Sample{Seed: sm.Seed, Population: 90, Cells: sm.Cells, Marks: []sampling.Mark{1, 0, 2}}},
		{"reopened", reopen, nil, &sampling.Sample{Seed: sm.Seed, Population: 90, Cells: sm.Cells, Marks: []sampling.Mark{1, 0, 2}}},
		{"a cell dropped", func() error {
			return ws.DropSampleCells(ctx, hash, sm.Cells[1:2], []SpoolEntry{spoolEntry(3)})
		}, nil, &sampling.Sample{Seed: sm.Seed, Population: 90, Cells: []sampling.Cell{sm.Cells[0], sm.Cells[2]}, Marks: []sampling.Mark{1, 2}}},
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
