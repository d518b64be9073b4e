package store

import (
	"context"
	"database/sql"
	"strings"
)

// bulkRows is how many rows one INSERT carries: the driver's cost is per
// statement, so 100,000 single-row inserts spend most of their time there.
const bulkRows = 100

// bulk collects rows for a multi-row INSERT within a transaction.
type bulk struct {
	tx     *sql.Tx
	prefix string // "INSERT INTO t (a, b) VALUES "
	cols   int
	args   []any
	n      int
}

func newBulk(tx *sql.Tx, prefix string, cols int) *bulk {
	return &bulk{tx: tx, prefix: prefix, cols: cols, args: make([]any, 0, cols*bulkRows)}
}

func (b *bulk) add(ctx context.Context, row ...any) error {
	b.args = append(b.args, row...)
	b.n++
	if b.n == bulkRows {
		return b.flush(ctx)
	}
	return nil
}

func (b *bulk) flush(ctx context.Context) error {
	if b.n == 0 {
		return nil
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	q := b.prefix + strings.TrimSuffix(strings.Repeat(one+", ", b.n), ", ") // #nosec G202 -- fixed statement and placeholders; values are bound
	_, err := b.tx.ExecContext(ctx, q, b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}
