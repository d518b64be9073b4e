package app

import (
	"fmt"

	"kenshin/internal/safefile"
)

// commitFile finishes a file prepared inside a transaction: err is what the
// store's Update returned. The file gets its real name only when the
// transaction committed; otherwise its temporary is removed and an earlier
// file of the same name stays as it was.
func commitFile(p *safefile.Prepared, err error) error {
	if err != nil {
		p.Abort()
		return err
	}
	if p == nil {
		return nil
	}
	if err := p.Commit(); err != nil {
		// The entry is already committed; say so, so nobody looks for the
		// file or writes it twice without knowing.
		return fmt.Errorf("操作は記録しましたが、ファイルを保存できませんでした。もう一度出力してください: %w", err)
	}
	return nil
}
