package workspace_test

import (
	"context"
	"errors"
	"fmt"

	"kenshin/internal/workspace"
)

// The application opens the working copy like this. A DamageError is shown
// to the clerk (its Error() is the whole Japanese message) with the choice
// to restore the newest good snapshot or, when there is none, to start an
// empty working copy; the damaged files stay beside it either way.
func ExampleOpenChecked() {
	ctx := context.Background()
	path, err := workspace.DefaultPath()
	if err != nil {
		return
	}
	ws, err := workspace.OpenChecked(ctx, path, nil)
	var damage *workspace.DamageError
	if errors.As(err, &damage) {
		fmt.Println("作業データが壊れています:", damage.Error())
		if snaps := damage.Snapshots(); len(snaps) > 0 { // newest first
			// after the clerk chose 「控えから戻す」
			ws, err = workspace.Restore(ctx, path, snaps[0], nil)
		} else {
			// after the clerk chose 「新しい作業データで始める」
			ws, err = workspace.StartFresh(ctx, path, nil)
		}
	}
	if err != nil {
		return
	}
	defer ws.Close() // takes a snapshot when anything changed
}
