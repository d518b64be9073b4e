package store

import (
	"context"
	"path/filepath"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/storetest"
)

// TestMain lets internal/storetest re-run this binary as helper processes
// that submit to one store file at once (each waits up to 30 s for the
// write lock, as concurrent clerks' programs would).
func TestMain(m *testing.M) {
	storetest.Main(m, func(ctx context.Context, loc string) (app.Store, error) {
		return Open(ctx, loc, Options{BusyTimeoutMS: 30000})
	})
}

// TestStoreContract: the SQLite store runs the same contract suite as the
// PostgreSQL store (internal/pgstore), multi-process submits included.
func TestStoreContract(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) app.Store {
		p := filepath.Join(t.TempDir(), "central.db")
		st, err := Create(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		_ = st.Close() // created; the contract uses it as a clerk's program would open it
		st, err = Open(context.Background(), p, Options{BusyTimeoutMS: 30000})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	})
}
