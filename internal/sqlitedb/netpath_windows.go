package sqlitedb

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

// networkFS reports a mapped network drive (GetDriveType DRIVE_REMOTE).
func networkFS(path string) (bool, string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false, ""
	}
	vol := filepath.VolumeName(abs)
	if len(vol) >= 2 && vol[:2] == `\\` {
		return true, "UNC パス"
	}
	root, err := windows.UTF16PtrFromString(vol + `\`)
	if err != nil {
		return false, ""
	}
	if windows.GetDriveType(root) == windows.DRIVE_REMOTE {
		return true, "ネットワークドライブ " + vol
	}
	return false, ""
}
