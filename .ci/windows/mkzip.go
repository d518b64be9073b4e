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
	f, err := os.Create(out) // #nosec G304 -- build tool, path from the Makefile
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	base := filepath.Base(dir)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
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
		h.Name = filepath.ToSlash(filepath.Join(base, rel))
		h.Method = zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		src, err := os.Open(path) // #nosec G304 -- walking our own staging folder
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
