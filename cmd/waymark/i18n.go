package main

import (
	"context"
	"errors"
	"io"
)

func runI18n(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("i18n: not built yet")
}
