package face

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallRefusesOtherBytes serves a package that is not the published one: nothing is kept.
func TestInstallRefusesOtherBytes(t *testing.T) {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	body := []byte("not dlib's weights")
	if err := tw.WriteHeader(&tar.Header{Name: "package/model/face_recognition_model.bin", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write(body)
	tw.Close()
	gz.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(b.Bytes()) }))
	defer srv.Close()
	defer func(old string) { tarball = old }(tarball)
	tarball = srv.URL
	root := t.TempDir()
	_, err := Install(context.Background(), root)
	if err == nil || !strings.Contains(err.Error(), "hash") {
		t.Fatalf("Install of other bytes: %v, want a refusal naming the hash", err)
	}
	if Installed(root) {
		t.Fatal("the refused package was installed")
	}
	// unpack keeps only the networks, licence and samples, and nothing outside its folder
	dir := t.TempDir()
	if err := unpack(b.Bytes(), dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "model", "face_recognition_model.bin")); err != nil {
		t.Fatal(err)
	}
}

func TestKept(t *testing.T) {
	for name, want := range map[string]bool{
		"package/model/face_recognition_model.bin":                     true,
		"package/model/tiny_face_detector_model-weights_manifest.json": true,
		"package/model/ssd_mobilenetv1_model.bin":                      false,
		"package/LICENSE":          true,
		"package/demo/sample1.jpg": true,
		"package/dist/face-api.js": false,
	} {
		if kept(name) != want {
			t.Errorf("kept(%q) = %v", name, !want)
		}
	}
}
