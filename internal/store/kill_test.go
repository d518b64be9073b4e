package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kenshin/internal/fixture"
)

// TestKillMidSubmit kills a submitting subprocess at random moments; the
// store must then hold the whole batch or none of it.
func TestKillMidSubmit(t *testing.T) {
	if os.Getenv("KENSHIN_SUBMITTER") != "" {
		t.Skip("helper")
	}
	r := rand.New(rand.NewPCG(1, 2))
	sawNone, sawAll := false, false
	for round := 0; round < 6; round++ {
		path := filepath.Join(t.TempDir(), "central.db")
		st, err := Create(ctx, path) // created before, so the kill hits the submission
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		env := []string{"KENSHIN_SUBMITTER=" + path}
		switch round {
		case 0:
			fixture.KillAfter(t, "TestHelperSubmitter", env, "submitting", 0) // before the commit
		case 1:
			fixture.KillAfter(t, "TestHelperSubmitter", env, "done", 0) // after it
		default:
			fixture.KillAfter(t, "TestHelperSubmitter", env, "submitting", time.Duration(r.IntN(1200))*time.Millisecond) // the submission takes about 0.5 s
		}

		st, err = Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("round %d: store unusable after the kill: %v", round, err)
		}
		batches := count(t, st, "SELECT count(*) FROM batches")
		records := count(t, st, "SELECT count(*) FROM records")
		trail := count(t, st, "SELECT count(*) FROM trail")
		st.Close()
		switch {
		case batches == 0 && records == 0 && trail == 0:
			sawNone = true
		case batches == 1 && records == helperRows && trail > 0:
			sawAll = true
		default:
			t.Fatalf("round %d: half a batch: %d batches, %d records, %d trail", round, batches, records, trail)
		}
	}
	if !sawNone || !sawAll {
		t.Fatalf("killed before commit seen: %v, after commit seen: %v; want both", sawNone, sawAll)
	}
}

const helperRows = 20000

func TestHelperSubmitter(t *testing.T) {
	path := os.Getenv("KENSHIN_SUBMITTER")
	if path == "" {
		t.Skip("only run as a subprocess")
	}
	rs := session(t, "m4-survey", helperRows, 11, 0.03)
	b, err := buildOverride(rs)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("submitting")
	if _, err := st.Submit(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	fmt.Println("done")
	time.Sleep(time.Minute) // wait to be killed
}
