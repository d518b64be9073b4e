package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/auth"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/submission"
)

const recentKey = "recentFiles"

// recent lists the recently opened files that are still there and are not
// temporary files (another session's or a test's, under os.TempDir): a
// clerk picks from files of their own, never a stranger's leftovers.
func (w *Workbench) recent() []string {
	var out []string
	for _, p := range w.app.Preferences().StringList(recentKey) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && !isTemp(p) {
			out = append(out, p)
		}
	}
	return out
}

// isTemp reports whether path lies in the system's temporary folder.
func isTemp(path string) bool {
	for _, dir := range tempDirs() {
		if rel, err := filepath.Rel(dir, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// tempDirs is os.TempDir as named and with its links resolved (macOS
// names /var/folders/… and /private/var/folders/… for the same place).
func tempDirs() []string {
	dirs := []string{filepath.Clean(os.TempDir())}
	if real, err := filepath.EvalSymlinks(dirs[0]); err == nil && real != dirs[0] {
		dirs = append(dirs, real)
	}
	return dirs
}

func (w *Workbench) remember(path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	list := slices.DeleteFunc(w.recent(), func(p string) bool { return p == abs })
	list = append([]string{abs}, list...)
	if len(list) > 10 {
		list = list[:10]
	}
	w.app.Preferences().SetStringList(recentKey, list)
	w.buildMenu()
}

func (w *Workbench) showOpen() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close() // read-only
		w.openAsync([]string{filepath.FromSlash(r.URI().Path())})
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".CSV"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
	japanesePlaces(w.win)
}

// loaded is a file read and its review opened, ready to show.
type loaded struct {
	path     string
	session  *review.Session
	curRow   int
	curField int
	// submitted is the batch this file was submitted as before, if any
	submitted *submission.Info
}

// submittedBefore finds the newest stored batch of this file, matched on
// the SHA-256 of its bytes: a renamed copy is found, and another file of
// the same name, form and row count is not. A store that cannot be asked
// gives no notice: opening does not need it.
func (w *Workbench) submittedBefore(s *review.Session) *submission.Info {
	list, err := w.deps.App.Batches(context.Background(), w.session)
	if err != nil {
		return nil
	}
	return submittedAs(list, s.Batch.Hash)
}

// submittedAs is the newest batch in list (newest first) made from the
// file whose bytes hash to hash, nil if none.
func submittedAs(list []submission.Info, hash string) *submission.Info {
	if hash == "" {
		return nil
	}
	for i := range list {
		if list[i].FileHash == hash {
			return &list[i]
		}
	}
	return nil
}

// submittedNotice tells the clerk that the file was submitted before.
func submittedNotice(b *submission.Info) string {
	return fmt.Sprintf("このファイルは %s に送信済みです（バッチ %d、送信者 %s）。同じ内容をもう一度確認・送信する必要はありません。",
		b.SubmittedAt.Local().Format("2006/01/02"), b.ID, b.Submitter)
}

// load reads a CSV and opens its review, resuming saved work. It touches no
// widget, so it can run off the UI goroutine.
func (w *Workbench) load(path string) (*loaded, error) {
	return w.loadAs(path, "")
}

// loadAs is load with the form named (when the header fits several).
// Opening goes through the application layer (capability, resume from the
// working copy, audit). Without a store (the widget tests, a demo) the file
// is only read and reviewed in memory.
func (w *Workbench) loadAs(path, formID string) (*loaded, error) {
	if w.deps.App != nil {
		rv, err := w.deps.App.OpenReview(context.Background(), w.session, w.deps.Workspace, path, formID)
		if err != nil {
			return nil, err
		}
		return &loaded{path: path, session: rv.Session, curRow: rv.CurRow, curField: rv.CurField, submitted: w.submittedBefore(rv.Session)}, nil
	}
	b, err := ocrcsv.ReadFile(path, w.deps.Forms, ocrcsv.Options{FormID: formID})
	if err != nil {
		return nil, err
	}
	s, err := review.Open(b, review.Options{User: w.deps.User, Now: w.deps.Now, Growth: w.deps.Forms.Growth}, nil)
	if err != nil {
		return nil, err
	}
	return &loaded{path: path, session: s}, nil
}

// OpenPath opens a file and waits for it; a file that cannot be read gets
// a Japanese dialog naming file, line and problem, and the error is returned.
func (w *Workbench) OpenPath(path string) error {
	if !w.allow(auth.OpenFile) {
		return auth.Check(w.user, auth.OpenFile)
	}
	if w.selectOpen(path) {
		return nil
	}
	l, err := w.load(path)
	if err != nil {
		if !w.askForm(path, err) {
			w.showError("ファイルを開けません", err)
		}
		return err
	}
	w.add(l)
	return nil
}

// askForm lets the clerk choose the form when the header fits several of
// them; it reports whether it asked.
func (w *Workbench) askForm(path string, err error) bool {
	var oe *ocrcsv.Error
	if !errors.As(err, &oe) || len(oe.Forms) < 2 {
		return false
	}
	var labels []string
	for _, id := range oe.Forms {
		labels = append(labels, id+" "+w.deps.Forms.Form(id).Title)
	}
	sel := widget.NewRadioGroup(labels, nil)
	msg := wrapText(filepath.Base(path)+" の見出しは次の帳票のどれにも合います。帳票を選んでください。", 420)
	d := showKeyDialog(w.win, "帳票を選ぶ", "開く", "やめる", container.NewVBox(msg, sel), nil, func(ok bool) {
		if !ok || sel.Selected == "" {
			return
		}
		id := oe.Forms[slices.Index(labels, sel.Selected)]
		l, err := w.loadAs(path, id)
		if err != nil {
			w.showError("ファイルを開けません", err)
			return
		}
		w.add(l)
	})
	d.d.Resize(fyne.NewSize(560, 260))
	w.formChoice = sel
	w.formChoiceDialog = d
	return true
}

// openAsync opens files off the UI goroutine with a progress dialog: a
// 100,000-row file takes a second or two to read and check.
func (w *Workbench) openAsync(paths []string) {
	if !w.allow(auth.OpenFile) { // also reached from the file dialog, after the lock may have come
		return
	}
	var todo []string
	for _, p := range paths {
		if !w.selectOpen(p) {
			todo = append(todo, p)
		}
	}
	if len(todo) == 0 {
		return
	}
	bar := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons("読み込み中", container.NewVBox(widget.NewLabel(filepath.Base(todo[0])+" を読み込んでいます…"), bar), w.win)
	d.Show()
	go func() {
		var done []*loaded
		var errs []error
		var failed []string
		for _, p := range todo {
			if l, err := w.load(p); err != nil {
				errs = append(errs, err)
				failed = append(failed, p)
			} else {
				done = append(done, l)
			}
		}
		fyne.Do(func() {
			d.Hide()
			for _, l := range done {
				w.add(l)
			}
			var rest []error
			for i, err := range errs {
				if !w.askForm(failed[i], err) {
					rest = append(rest, err)
				}
			}
			if len(rest) > 0 {
				w.showError("ファイルを開けません", errors.Join(rest...))
			}
		})
	}()
}

// selectOpen switches to a file that is already open (same content).
func (w *Workbench) selectOpen(path string) bool {
	abs, _ := filepath.Abs(path)
	for i, sh := range w.sheets {
		if a, _ := filepath.Abs(sh.path); a == abs {
			w.tabs.SelectIndex(i)
			return true
		}
	}
	return false
}

func (w *Workbench) add(l *loaded) {
	for i, sh := range w.sheets { // the same bytes under another name
		if sh.session.Batch.Hash == l.session.Batch.Hash {
			w.tabs.SelectIndex(i)
			return
		}
	}
	sh := newSheet(w, l.session, l.path, l.curRow, l.curField)
	w.sheets = append(w.sheets, sh)
	if len(w.sheets) == 1 {
		w.center.Objects = []fyne.CanvasObject{w.tabs}
		w.center.Refresh()
	}
	w.tabs.Append(container.NewTabItem(sh.title(), sh.content))
	w.tabs.SelectIndex(len(w.sheets) - 1)
	w.syncPartners(sh)
	w.remember(l.path)
	if l.submitted != nil {
		msg := submittedNotice(l.submitted)
		w.setMessage(msg)
		w.showInfo("送信済みのファイル", msg)
	} else if len(l.session.Batch.Notes) > 0 {
		w.setMessage(l.session.Batch.Notes[0].Message)
	} else if len(l.session.Changes()) > 0 {
		w.setMessage(fmt.Sprintf("保存されていた作業（%d 件の操作）から再開しました", len(l.session.Changes())))
	}
	w.activated()
}
