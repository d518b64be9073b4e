//go:build ignore

// mkzip writes a zip of one folder for the Windows package. Go's
// archive/zip marks non-ASCII names as UTF-8 (flag bit 11), which Windows
// Explorer honours; Debian's zip 3.0 does not set it, and Explorer would show
// 「はじめにお読みください.txt」 as mojibake.
//
//	go run .ci/windows/mkzip.go OUT.zip DIR
//
// Entries are named DIR's base name + relative path, with forward slashes.
package main

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "使い方: go run .ci/windows/mkzip.go OUT.zip DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "mkzip:", err)
		os.Exit(1)
	}
}

func run(out, dir string) error {
	// Reading through os.Root: a symlink in the staging folder cannot make
	// the zip pick up a file from elsewhere.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer func() { _ = root.Close() }() // read-only: nothing to lose

	f, err := os.Create(out) // #nosec G304 G703 -- build tool; the path comes from .ci/windows/package
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	base := filepath.Base(dir)
	err = fs.WalkDir(root.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name = base + "/" + path
		h.Method = zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		src, err := root.Open(filepath.FromSlash(path))
		if err != nil {
			return err
		}
		_, err = io.Copy(w, src)
		_ = src.Close() // read-only: nothing to lose
		return err
	})
	if err != nil {
		_ = f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
