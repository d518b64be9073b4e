package store

import (
	"path/filepath"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/app/storetest"
	tools "kenshin/internal/storetest"
)

// The SQLite store keeps the contract every backend keeps.
func TestContract(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) app.Store {
		st, err := Create(ctx, filepath.Join(t.TempDir(), "central.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	})
}

// The review-tool methods (issue 13) keep the contract the PostgreSQL
// store is held to as well.
func TestToolContract(t *testing.T) {
	tools.Tools(t, func(t *testing.T) app.Store {
		st, err := Create(ctx, filepath.Join(t.TempDir(), "central.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	})
}
