package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/safefile"
	"kenshin/internal/submission"
)

// failingCommit is a store whose commit fails after fn succeeded: the
// transaction rolls back as a lost connection or a full disk makes it.
type failingCommit struct{ app.Store }

var errCommit = errors.New("commit failed")

func (f failingCommit) Update(ctx context.Context, fn func(app.Tx) error) error {
	return f.Store.Update(ctx, func(tx app.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errCommit
	})
}

// retrying is a store that runs fn twice, the first attempt rolled back,
// as the PostgreSQL store does after a serialization failure.
type retrying struct{ app.Store }

var errSerialization = errors.New("could not serialize access")

func (r retrying) Update(ctx context.Context, fn func(app.Tx) error) error {
	_ = r.Store.Update(ctx, func(tx app.Tx) error { // the first attempt's outcome is thrown away
		if err := fn(tx); err != nil {
			return err
		}
		return errSerialization
	})
	return r.Store.Update(ctx, fn)
}

// TestFilesFollowTheCommit: every file written inside a transaction gets
// its name only if the transaction commits. A failed commit leaves an
// earlier file of the same name as it was, adds no audit entry and leaves
// no temporary; a re-run transaction writes the file once, from fresh
// state.
func TestFilesFollowTheCommit(t *testing.T) {
	type op func(a *app.App, u fixture.Users, dir string) (path string, err error)
	period := app.Period{From: fixture.T0.Add(-24 * time.Hour), To: fixture.T0.Add(24 * time.Hour)}
	var lastExport app.ExportResult
	tests := []struct {
		name string
		run  op
	}{
		{"report", func(a *app.App, u fixture.Users, dir string) (string, error) {
			p := filepath.Join(dir, "report.xlsx")
			_, err := a.Report(ctx, u.Boss, app.ReportSource{BatchID: 1}, p, "")
			return p, err
		}},
		{"import file", func(a *app.App, u fixture.Users, dir string) (string, error) {
			p := filepath.Join(dir, "import.csv")
			res, err := a.ExportImportFile(ctx, u.Boss, "m4-exam", submission.Filter{}, "utf8", p)
			lastExport = res
			return p, err
		}},
		{"ocr stats", func(a *app.App, u fixture.Users, dir string) (string, error) {
			p := filepath.Join(dir, "stats.xlsx")
			_, err := a.OCRStats(ctx, u.Boss, period, p, "")
			return p, err
		}},
		{"audit report", func(a *app.App, u fixture.Users, dir string) (string, error) {
			p := filepath.Join(dir, "audit.xlsx")
			_, err := a.AuditReport(ctx, u.Boss, period, p, "")
			return p, err
		}},
		{"working copy deleted", func(a *app.App, u fixture.Users, dir string) (string, error) {
			s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 3, Seed: 77})
			p := filepath.Join(dir, fmt.Sprintf("削除記録_作業データ_%s_%d.xlsx", fixture.T0.Format("20060102-150405"), 1))
			_, err := a.WorkingCopyDeleted(ctx, u.Boss, submission.Describe(s, submission.MajorityVenue(s), fixture.T0), 1, dir, "")
			return p, err
		}},
		{"purge", func(a *app.App, u fixture.Users, dir string) (string, error) {
			p := filepath.Join(dir, "purge.xlsx")
			_, err := a.Purge(ctx, u.Boss, app.PurgeRequest{ExportedBefore: fixture.T0.Add(time.Hour), Out: p})
			return p, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, st := newApp(t)
			u := fixture.SetUp(t, a)
			a.Reports = func(path string, b *submission.Batch, _ *form.Form, opt app.ReportOptions) error {
				return safefile.WriteFile(path, []byte(fmt.Sprintf("report of batch %d, head %s", b.ID, opt.Head)))
			}
			_, r1 := submitFile(t, a, u, 41, true)
			if tt.name == "purge" {
				if _, err := a.ExportImportFile(ctx, u.Boss, "m4-exam", submission.Filter{BatchID: r1.BatchID}, "utf8", filepath.Join(t.TempDir(), "x.csv")); err != nil {
					t.Fatal(err)
				}
				if _, err := a.MarkImported(ctx, u.Boss, []int64{r1.BatchID}); err != nil {
					t.Fatal(err)
				}
			}
			dir := t.TempDir()
			earlier := []byte("an earlier file of the same name")
			path, _ := tt.run(over(a, failingCommit{st}), u, t.TempDir()) // learn the name
			if err := os.WriteFile(path, earlier, 0o600); err != nil {
				t.Fatal(err)
			}
			path = filepath.Join(dir, filepath.Base(path))
			if err := os.WriteFile(path, earlier, 0o600); err != nil {
				t.Fatal(err)
			}
			before := counts(t, st)

			if _, err := tt.run(over(a, failingCommit{st}), u, dir); !errors.Is(err, errCommit) {
				t.Fatalf("failed commit: %v; want errCommit", err)
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != string(earlier) {
				t.Fatalf("after a failed commit the earlier file is %q, %v", got, err)
			}
			if got := counts(t, st); got["audit"] != before["audit"] || got["records"] != before["records"] {
				t.Fatalf("after a failed commit: %v; before %v", got, before)
			}
			assertOnly(t, dir, filepath.Base(path))

			if _, err := tt.run(over(a, retrying{st}), u, dir); err != nil {
				t.Fatalf("re-run transaction: %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) == string(earlier) || len(got) == 0 {
				t.Fatalf("after the commit the file is %q, %v", got, err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, %v", fi, err)
			}
			if c := counts(t, st); c["audit"] != before["audit"]+1 {
				t.Errorf("audit entries %d, want %d", c["audit"], before["audit"]+1)
			}
			assertOnly(t, dir, filepath.Base(path))
			if tt.name == "import file" {
				if len(lastExport.Batches) != 1 || lastExport.Records != 12 {
					t.Errorf("re-run export result %+v; want 1 batch, 12 records", lastExport)
				}
				if n := strings.Count(string(got), "\n"); n != 13 {
					t.Errorf("re-run export file has %d lines; want header + 12", n)
				}
			}
		})
	}
}

// assertOnly fails unless dir holds exactly the file name.
func assertOnly(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != name {
		t.Errorf("folder holds %v; want only %s", names, name)
	}
}
