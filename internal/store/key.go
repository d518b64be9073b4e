package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"

	"kenshin/internal/audit"
	"kenshin/internal/safefile"
	"kenshin/internal/sqlitedb"
)

// The audit chain's HMAC key is a file beside the store (central.db.auditkey,
// 0600), not a table in it: a copy of the database alone, or anyone who
// edits its rows with an SQLite tool, cannot re-seal an edited log. Back it
// up with the store; without it the log cannot be verified.

func keyPath(db string) string { return db + ".auditkey" }

func writeKey(db string) error {
	k, err := audit.NewKey()
	if err != nil {
		return err
	}
	if _, err := os.Stat(keyPath(db)); err == nil {
		return &sqlitedb.Error{What: what, Path: keyPath(db), Msg: "操作記録の鍵がすでにあります。別の中央データの鍵を上書きしないよう、作成をやめました"}
	}
	return safefile.Write(keyPath(db), func(w io.Writer) error {
		_, err := io.WriteString(w, hex.EncodeToString(k)+"\n")
		return err
	})
}

func readKey(db string) ([]byte, error) {
	p := keyPath(db)
	raw, err := os.ReadFile(p) // #nosec G304 -- the key beside the store the user named
	if errors.Is(err, os.ErrNotExist) {
		return nil, &sqlitedb.Error{What: what, Path: p, Msg: "操作記録の鍵のファイルがありません。中央データと一緒にバックアップから戻してください", Err: err}
	}
	if err != nil {
		return nil, &sqlitedb.Error{What: what, Path: p, Msg: "操作記録の鍵を読めません（権限を確認してください）", Err: err}
	}
	k, err := hex.DecodeString(string(bytes.TrimSpace(raw)))
	if err != nil || len(k) < 16 {
		return nil, &sqlitedb.Error{What: what, Path: p, Msg: "操作記録の鍵のファイルが壊れています。バックアップから戻してください"}
	}
	return k, nil
}
