package sqlitedb

import "strings"

// IsNetworkPath reports whether path is on a network filesystem, and which
// kind, for the message. A UNC path (\\server\share\…, //server/share/…) is
// one everywhere; the rest is asked of the system (netpath_*.go).
func IsNetworkPath(path string) (bool, string) {
	if strings.HasPrefix(path, `\\`) || strings.HasPrefix(path, "//") {
		return true, "UNC パス"
	}
	return networkFS(path)
}
