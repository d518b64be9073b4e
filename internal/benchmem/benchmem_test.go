package benchmem

import (
	"runtime"
	"testing"
)

// TestPeakSeesFreedMemory: a 64 MB buffer allocated and dropped during the
// work is in the peak even though the heap is small again afterwards.
func TestPeakSeesFreedMemory(t *testing.T) {
	tr := Track(t)
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	runtime.KeepAlive(buf)
	buf = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	peak := tr.Peak()
	if peak < 64<<20 {
		t.Errorf("peak %d MB, want at least 64 MB", peak>>20)
	}
	if ms.HeapInuse >= 64<<20 {
		t.Skipf("heap still in use after GC (%d MB): the test shows nothing", ms.HeapInuse>>20)
	}
}
