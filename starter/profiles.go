package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/ilm-dev/ilm/profile"
	"github.com/ilm-dev/ilm/store"
)

func runProfiles(args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("profiles", stdout, stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return &exitCodeError{code: exitUsage, err: errors.New("want get EMPLOYEE_ID, list or history EMPLOYEE_ID")}
	}
	ctx := context.Background()
	env, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	switch {
	case pos[0] == "list" && len(pos) == 1:
		return writeProfiles(ctx, env.Store, stdout)
	case pos[0] == "get" && len(pos) == 2:
		p, err := env.Store.GetProfile(ctx, pos[1])
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no profile with employee id %q in store %s", pos[1], store.RedactDSN(env.Config.Store))
		}
		if err != nil {
			return err
		}
		return enc.Encode(p)
	case pos[0] == "history" && len(pos) == 2:
		h, err := env.Store.History(ctx, pos[1])
		if err != nil {
			return err
		}
		return enc.Encode(h)
	default:
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("unknown profiles command %q: want get EMPLOYEE_ID, list or history EMPLOYEE_ID", pos)}
	}
}

// writeProfiles writes every profile as one JSON array, reading them page by page, so that
// listing 100k people does not hold them all.
func writeProfiles(ctx context.Context, st store.Store, w io.Writer) error {
	bw := bufio.NewWriter(w)
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	n := 0
	bw.WriteString("[")
	err := st.ScanProfiles(ctx, func(p profile.Profile) error {
		one.Reset()
		if err := enc.Encode(p); err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString(",")
		}
		n++
		bw.WriteString("\n  ")
		_, err := bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}
