// Package benchmem reports the peak memory of a benchmark's work: the
// figure a speed-and-memory target is about, which HeapInuse read after the
// work (when the garbage collector may already have freed most of it) is not.
package benchmem

import (
	"bufio"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const heapMetric = "/memory/classes/heap/objects:bytes"

// Tracker samples the live heap while a benchmark runs.
type Tracker struct {
	b    testing.TB
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
	base uint64 // live heap when tracking started: what the benchmark already held
}

// Track starts sampling; call Report when the measured work is done.
// On Linux it also resets the process's peak RSS so that Report can read the
// peak of this benchmark alone.
func Track(b testing.TB) *Tracker {
	runtime.GC()
	resetPeakRSS()
	t := &Tracker{b: b, stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(sample)
	t.base = sample[0].Value.Uint64()
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > t.peak {
				t.peak = v
			}
			select {
			case <-t.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return t
}

// Peak stops sampling and returns the highest live heap seen, in bytes.
func (t *Tracker) Peak() uint64 {
	if t.stop != nil {
		close(t.stop)
		t.wg.Wait()
		t.stop = nil
	}
	return t.peak
}

// Report stops sampling and reports peak-heap-MB, base-heap-MB (the heap
// the benchmark held before the measured work, e.g. its input batch: the
// work's own peak is the difference) and, on Linux, peak-RSS-MB.
func (t *Tracker) Report() {
	peak := t.Peak()
	if b, ok := t.b.(*testing.B); ok {
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(t.base)/(1<<20), "base-heap-MB")
		if rss := peakRSS(); rss > 0 {
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
		}
	}
}

// resetPeakRSS asks Linux to start VmHWM afresh (proc(5): clear_refs 5).
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o600) // not Linux, or not allowed: peakRSS then reports the process's lifetime peak or nothing
}

// peakRSS is VmHWM from /proc/self/status in bytes, or 0 where unknown.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }() // read-only
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
