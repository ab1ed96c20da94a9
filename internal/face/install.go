package face

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// The package the networks' weights come from, on the npm registry, and the SHA-512 its registry
// entry gives (dist.integrity): what is downloaded is refused unless it has that hash. face-api is
// MIT-licensed; its recognition weights are dlib's, released by their author into the public domain.
const (
	Package   = "@vladmandic/face-api@1.7.15"
	integrity = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="
	installed = "face-api-1.7.15"
)

// tarball is where the registry serves the package.
var tarball = "https://registry.npmjs.org/@vladmandic/face-api/-/face-api-1.7.15.tgz"

// kept are the files of the package Install keeps: the three networks, the licence and the
// package's own sample photos (which the tests find faces in).
func kept(name string) bool {
	name = strings.TrimPrefix(name, "package/")
	for _, m := range []string{"tiny_face_detector_model", "face_landmark_68_tiny_model", "face_recognition_model"} {
		if strings.HasPrefix(name, "model/"+m) {
			return true
		}
	}
	return name == "LICENSE" || (strings.HasPrefix(name, "demo/sample") && strings.HasSuffix(name, ".jpg"))
}

// ModelDir is where Install puts the networks under root.
func ModelDir(root string) string { return filepath.Join(root, installed, "model") }

// DefaultRoot is where Install keeps the package when not told: the user's cache.
func DefaultRoot() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "waymark")
}

// Installed reports whether the networks are under root.
func Installed(root string) bool {
	_, err := os.Stat(filepath.Join(ModelDir(root), "face_recognition_model.bin"))
	return err == nil
}

// Install downloads the face-api package from the npm registry into root, checks it against its
// published hash, and keeps the networks, licence and sample photos. It does nothing when they are
// already there. It returns the folder of the networks.
func Install(ctx context.Context, root string) (string, error) {
	if Installed(root) {
		return ModelDir(root), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tarball, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", Package, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download %s: %s", Package, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", fmt.Errorf("download %s: %w", Package, err)
	}
	if sum := sha512.Sum512(data); "sha512-"+base64.StdEncoding.EncodeToString(sum[:]) != integrity {
		return "", fmt.Errorf("download %s: its hash is not the registry's published one; nothing was installed", Package)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, ".face-api-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := unpack(data, tmp); err != nil {
		return "", fmt.Errorf("unpack %s: %w", Package, err)
	}
	if err := os.Rename(tmp, filepath.Join(root, installed)); err != nil && !Installed(root) {
		return "", err
	}
	return ModelDir(root), nil
}

// unpack writes the kept files of the gzipped tar data under dir.
func unpack(data []byte, dir string) error {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(h.Name)
		if h.Typeflag != tar.TypeReg || !kept(name) || strings.Contains(name, "..") {
			continue
		}
		out := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(name, "package/")))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, io.LimitReader(tr, 32<<20))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
}
