package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/waymark-org/waymark/internal/face"
)

func init() {
	register(command{"face install", "download the face networks (npm: " + face.Package + ", hash checked) into --root and print their folder, for WAYMARK_FACE_MODELS", runFaceInstall})
}

func runFaceInstall(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("face install", flag.ContinueOnError)
	root := fs.String("root", face.DefaultRoot(), "folder to keep the package in")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	dir, err := face.Install(ctx, *root)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, dir)
	return nil
}
