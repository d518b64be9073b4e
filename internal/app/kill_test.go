package app_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/fixture"
	"kenshin/internal/store"
	"kenshin/internal/submission"
)

const killRows = 6000

// TestKillDuringSubmitKeepsBatchAndEntryTogether kills a submitting process
// at random moments (20 times): afterwards the store holds the batch and
// its 「送信」 entry, or neither.
func TestKillDuringSubmitKeepsBatchAndEntryTogether(t *testing.T) {
	if os.Getenv("KENSHIN_KILL_STORE") != "" {
		t.Skip("helper")
	}
	if testing.Short() {
		t.Skip("kills 20 subprocesses")
	}
	r := rand.New(rand.NewPCG(3, 4))
	seen := map[string]int{}
	// one store with its users, copied for every round (hashing passwords
	// is the slow part of setting one up)
	tmpl := filepath.Join(t.TempDir(), "central.db")
	st, err := store.Create(ctx, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	fixture.SetUp(t, app.New(st, fixture.Forms(t)))
	_ = st.Close()
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "central.db")
		for _, suffix := range []string{"", ".auditkey"} {
			b, err := os.ReadFile(tmpl + suffix)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}

		env := []string{"KENSHIN_KILL_STORE=" + path}
		switch round {
		case 0:
			fixture.KillAfter(t, "TestKillHelper", env, "submitting", 0) // before the commit
		case 1:
			fixture.KillAfter(t, "TestKillHelper", env, "done", 0) // after it
		default:
			fixture.KillAfter(t, "TestKillHelper", env, "submitting", time.Duration(r.IntN(300))*time.Millisecond)
		}

		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatalf("round %d: store unusable after the kill: %v", round, err)
		}
		var batches []submission.Info
		var entries []audit.Event
		if err := st.View(ctx, func(tx app.Tx) error {
			var err error
			if batches, err = tx.Batches(ctx); err != nil {
				return err
			}
			entries, err = tx.Audit(ctx, audit.Filter{Kind: audit.Submitted})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_ = st.Close()
		switch {
		case len(batches) == 0 && len(entries) == 0:
			seen["neither"]++
		case len(batches) == 1 && len(entries) == 1 && batches[0].Stored == killRows:
			seen["both"]++
		default:
			t.Fatalf("round %d: %d batches, %d 送信 entries", round, len(batches), len(entries))
		}
	}
	t.Logf("outcomes: %v", seen)
	if seen["neither"] == 0 || seen["both"] == 0 {
		t.Fatalf("outcomes %v: want kills both before and after the commit", seen)
	}
}

func TestKillHelper(t *testing.T) {
	path := os.Getenv("KENSHIN_KILL_STORE")
	if path == "" {
		t.Skip("only run as a subprocess")
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, fixture.Forms(t))
	a.DoubleCheckOff = true // a kill mid-submit, not the second-person check
	s, err := a.Login(ctx, "K", "clerk1", fixture.ClerkPW)
	if err != nil {
		t.Fatal(err)
	}
	rv := fixture.Session(t, fixture.File{Form: "m4-survey", Rows: killRows, Seed: 12})
	fixture.Clean(t, rv)
	sub, err := a.PrepareSubmit(ctx, s, rv, app.SubmitRequest{Centre: 1})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("submitting\n")
	start := time.Now()
	if _, err := a.Submit(ctx, s, sub, nil, nil); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("done " + time.Since(start).String() + "\n")
	time.Sleep(time.Minute) // wait to be killed
}
