package sqlitedb

import (
	"path/filepath"
	"syscall"
)

// Filesystem magic numbers of statfs(2) for network filesystems.
var netMagic = map[int64]string{
	0x6969:     "NFS",
	0xFF534D42: "CIFS",
	0x517B:     "SMB",
	0xFE534D42: "SMB2",
	0x564C:     "NCP",
	0x6B414653: "AFS",
	0x01021997: "9P",
}

// networkFS asks statfs about the file, or its folder when the file does
// not exist yet.
func networkFS(path string) (bool, string) {
	var st syscall.Statfs_t
	for p := path; ; p = filepath.Dir(p) {
		if err := syscall.Statfs(p, &st); err == nil {
			break
		}
		if p == filepath.Dir(p) {
			return false, ""
		}
	}
	if name, ok := netMagic[int64(st.Type)]; ok { //nolint:unconvert // int32 on some arches
		return true, name
	}
	return false, ""
}
