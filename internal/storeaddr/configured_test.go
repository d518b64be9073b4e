package storeaddr

import (
	"os"
	"path/filepath"
	"testing"

	"kenshin/internal/settings"
)

// TestConfigured: --store beats KENSHIN_STORE, which beats the settings
// file, which beats the default path; CA and password file likewise.
func TestConfigured(t *testing.T) {
	dir := t.TempDir()
	file := &settings.File{StorePath: "postgres://kenshin_app@db.example.lg.jp/kenshin", CAFile: "/etc/ca.pem", PasswordFile: "/etc/pw"}
	for _, tt := range []struct {
		name, flag, env, envCA string
		file                   *settings.File
		want, wantCA, wantPW   string
	}{
		{"flag wins", "/tmp/a.db", "/tmp/b.db", "", file, "/tmp/a.db", "/etc/ca.pem", "/etc/pw"},
		{"env beats file", "", "/tmp/b.db", "/x/ca.pem", file, "/tmp/b.db", "/x/ca.pem", "/etc/pw"},
		{"file", "", "", "", file, file.StorePath, "/etc/ca.pem", "/etc/pw"},
		{"default", "", "", "", &settings.File{}, filepath.Join(dir, "KenshinReview", "central.db"), "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvStore, tt.env)
			t.Setenv(EnvCA, tt.envCA)
			t.Setenv(EnvPasswordFile, "")
			t.Setenv("XDG_CONFIG_HOME", dir)
			t.Setenv("HOME", dir)
			s, err := configured(tt.flag, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if s.Addr != tt.want || s.CAFile != tt.wantCA || s.PasswordFile != tt.wantPW {
				t.Errorf("got addr %q ca %q pw %q; want %q %q %q", s.Addr, s.CAFile, s.PasswordFile, tt.want, tt.wantCA, tt.wantPW)
			}
		})
	}
}

// TestConfiguredReadsTheSettingsFile: Configured reads the file
// KENSHIN_SETTINGS names, and refuses a broken one.
func TestConfiguredReadsTheSettingsFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, settings.FileName)
	if err := os.WriteFile(p, []byte("\ufeff[store]\npath = "+filepath.Join(dir, "c.db")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(settings.EnvPath, p)
	t.Setenv(EnvStore, "")
	s, err := Configured("")
	if err != nil || s.Addr != filepath.Join(dir, "c.db") {
		t.Fatalf("Configured = %+v, %v", s, err)
	}
	if err := os.WriteFile(p, []byte("[store]\npassword = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Configured(""); err == nil {
		t.Error("a settings file with a password was accepted")
	}
}
