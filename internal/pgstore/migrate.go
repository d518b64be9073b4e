package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"kenshin/internal/audit"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the embedded NNNN_name.sql files in order.
func migrations() []migration {
	ents, _ := fs.ReadDir(migrationFS, "migrations")
	var out []migration
	for _, e := range ents {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			panic("pgstore: migration without a number: " + e.Name())
		}
		b, _ := migrationFS.ReadFile("migrations/" + e.Name())
		out = append(out, migration{n, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

// SchemaVersion is the schema this program reads and writes.
func SchemaVersion() int { m := migrations(); return m[len(m)-1].version }

// migrateLock keeps two owners from migrating at once.
const migrateLock int64 = 0x4b656e7368696e + 1

// queryer is what both a connection and a transaction offer.
type queryer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func version(ctx context.Context, q queryer) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT COALESCE(max(version), 0) FROM schema_migrations`).Scan(&v)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: never migrated
		return 0, nil
	}
	return v, err
}

func (s *Store) checkVersion(ctx context.Context) error {
	v, err := version(ctx, s.pool)
	if err != nil {
		return s.wrap("サーバーに接続できないか、中央データを読めません", err)
	}
	switch want := SchemaVersion(); {
	case v == 0:
		return &Error{Where: s.loc, Msg: "中央データがまだ作られていません。管理者がセットアップ（docs/postgres.md）を行ってください"}
	case v < want:
		return &Error{Where: s.loc, Msg: fmt.Sprintf("中央データの形式が古いままです（%d、このアプリは %d）。管理者がセットアップを実行して更新してください", v, want)}
	case v > want:
		return &Error{Where: s.loc, Msg: fmt.Sprintf("中央データがこのアプリより新しい形式です（%d、このアプリは %d）。アプリを更新してください", v, want)}
	}
	return nil
}

// Migrate brings the schema reached through conn (the owner role) up to
// date, each migration in its own transaction with its version row, and
// creates the audit chain key once. It is safe to run twice and from two
// places at once.
func Migrate(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("中央データの更新を始められません: %w", err)
	}
	defer func() { _, _ = conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrateLock) }() // also released when conn closes
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("中央データの更新を始められません（所有者のロールで接続しているか確認してください）: %w", err)
	}
	cur, err := version(ctx, conn)
	if err != nil {
		return fmt.Errorf("中央データの形式を読めません: %w", err)
	}
	for _, m := range migrations() {
		if m.version <= cur {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("中央データの更新 %s に失敗しました（何も変えていません）: %w", m.name, err)
		}
	}
	key, err := audit.NewKey()
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `INSERT INTO audit_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, key); err != nil {
		return fmt.Errorf("操作記録の鍵を作れません: %w", err)
	}
	return nil
}

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Grants is the SQL that gives appRole exactly what the application needs:
// read and append everywhere, update only the tables whose rows change
// (users, the export marks of batches, superseded records), never UPDATE,
// DELETE or TRUNCATE on the audit log, and no DDL at all (only the owner
// may ALTER or DROP a table). docs/postgres.md prints the same statements.
func Grants(appRole string) []string {
	r := pgx.Identifier{appRole}.Sanitize()
	return []string{
		`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC`,
		`REVOKE CREATE ON SCHEMA public FROM PUBLIC`, // PostgreSQL < 15 granted it to everyone
		`GRANT USAGE ON SCHEMA public TO ` + r,
		`REVOKE CREATE ON SCHEMA public FROM ` + r,
		`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ` + r,
		`GRANT SELECT ON schema_migrations, audit_key TO ` + r,
		`GRANT SELECT, INSERT ON batches, records, trail, decisions, exports, users, audit TO ` + r,
		`GRANT UPDATE ON batches, records, users TO ` + r,
		// purge (issue 13) deletes records whose import was confirmed, with
		// their trail and decisions; a check in progress is deleted on submit
		`GRANT SELECT, INSERT, UPDATE, DELETE ON pending_checks TO ` + r,
		`GRANT DELETE ON records, trail, decisions TO ` + r,
		`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ` + r,
	}
}

// Setup prepares a server for the application: it runs the migrations as
// the owner (ownerDSN: the role that owns the tables; it must not be the
// application's role) and grants appRole the least privileges (Grants).
// appRole must exist already (CREATE ROLE … LOGIN, see docs/postgres.md),
// so its password is set by the administrator, never by this program.
func Setup(ctx context.Context, ownerDSN, appRole string) error {
	if !roleName.MatchString(appRole) {
		return fmt.Errorf("アプリ用ロール名「%s」は英小文字・数字・_ で指定してください", appRole)
	}
	conn, err := pgx.Connect(ctx, ownerDSN)
	if err != nil {
		return fmt.Errorf("所有者のロールでサーバーに接続できません: %w", redact(err))
	}
	defer func() { _ = conn.Close(ctx) }() // the work below is committed per step
	var owner string
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, appRole).Scan(&owner, &exists); err != nil {
		return fmt.Errorf("ロールを確認できません: %w", err)
	}
	if owner == appRole {
		return fmt.Errorf("アプリ用ロール「%s」と所有者のロールを分けてください（アプリ用ロールが表を変更・削除できてしまいます）", appRole)
	}
	if !exists {
		return fmt.Errorf("アプリ用ロール「%s」がありません。先に CREATE ROLE %s LOGIN PASSWORD '…'; を実行してください（docs/postgres.md）", appRole, appRole)
	}
	if err := Migrate(ctx, conn); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, q := range Grants(appRole) {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("権限を設定できません（%s）: %w", q, err)
			}
		}
		return nil
	})
}
