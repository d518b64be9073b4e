package cli

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"kenshin/internal/store"
)

// TestCheckStoreWritesNothing: check-store opens the file read-only. A
// store of an older schema is reported, not migrated; the file's bytes
// and mode stay as they were.
func TestCheckStoreWritesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "central.db")
	st, err := store.Create(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	// as a store written by an earlier version: schema version 1, and a
	// checkpoint so that the whole state is in the main file
	for _, q := range []string{"PRAGMA user_version = 1", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	_ = db.Close()
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	code, out, e := runIn(t, dir, "", "check-store", "--store", p)
	if code == ExitOK || !strings.Contains(e, "古い版") {
		t.Errorf("check-store on an older store: %d %q %q; want it refused as older", code, out, e)
	}
	after, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("check-store changed the store file")
	}
	if fi, err := os.Stat(p); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644) {
		t.Errorf("mode %v, %v: check-store changed it", fi.Mode(), err)
	}
}
