// Package logging builds ILM's loggers: JSON lines (the worker's default) or text, the
// Temporal SDK's keys in ILM's snake_case (WorkflowID becomes workflow_id), and on every line
// about a person's incident, its employee_id, so that one query finds every line of an
// incident. Lines name people by employee id only: names and emails stay out of them.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode"
)

// Formats.
const (
	JSON = "json"
	Text = "text"
)

// Keys every incident's lines carry.
const (
	WorkflowIDKey = "workflow_id"
	EmployeeIDKey = "employee_id"
)

// Options says how a logger writes.
type Options struct {
	// Format is JSON (the default) or Text.
	Format string
	Level  slog.Leveler
	// EmployeeOf returns the employee id a workflow id names, if any: a line that carries a
	// workflow id and no employee id gets it (the SDK's own lines about an incident).
	EmployeeOf func(workflowID string) (string, bool)
}

// CheckFormat says whether format is a known one; "" is JSON.
func CheckFormat(format string) error {
	switch format {
	case "", JSON, Text:
		return nil
	}
	return fmt.Errorf("log format %q: want %s or %s", format, JSON, Text)
}

// New returns a logger writing lines to w.
func New(w io.Writer, o Options) (*slog.Logger, error) {
	if err := CheckFormat(o.Format); err != nil {
		return nil, err
	}
	ho := &slog.HandlerOptions{Level: o.Level, ReplaceAttr: snakeKeys}
	var h slog.Handler
	if o.Format == Text {
		h = slog.NewTextHandler(w, ho)
	} else {
		h = slog.NewJSONHandler(w, ho)
	}
	if o.EmployeeOf != nil {
		h = incidentHandler{next: h, employeeOf: o.EmployeeOf}
	}
	return slog.New(h), nil
}

// snakeKeys writes the SDK's CamelCase keys (WorkflowID, RunID, ActivityType, Attempt) in
// snake_case, as ILM's own.
func snakeKeys(_ []string, a slog.Attr) slog.Attr {
	a.Key = snake(a.Key)
	return a
}

// snake is key in snake_case: an upper-case letter starts a word after a lower-case one or
// a digit, or when a lower-case letter follows it (ID, then Type in IDType).
func snake(key string) string {
	if strings.IndexFunc(key, unicode.IsUpper) < 0 {
		return key
	}
	rs := []rune(key)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// incidentHandler adds the employee id to a line that has a workflow id naming one and no
// employee id.
type incidentHandler struct {
	next        slog.Handler
	employeeOf  func(string) (string, bool)
	workflowID  string // from WithAttrs
	hasEmployee bool   // from WithAttrs
}

func (h incidentHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h incidentHandler) WithAttrs(as []slog.Attr) slog.Handler {
	for _, a := range as {
		h.note(a)
	}
	h.next = h.next.WithAttrs(as)
	return h
}

func (h incidentHandler) WithGroup(name string) slog.Handler {
	return incidentHandler{next: h.next.WithGroup(name), employeeOf: h.employeeOf}
}

func (h *incidentHandler) note(a slog.Attr) {
	switch snake(a.Key) {
	case WorkflowIDKey:
		h.workflowID = a.Value.String()
	case EmployeeIDKey:
		h.hasEmployee = true
	}
}

func (h incidentHandler) Handle(ctx context.Context, r slog.Record) error {
	line := h
	r.Attrs(func(a slog.Attr) bool {
		line.note(a)
		return true
	})
	if !line.hasEmployee && line.workflowID != "" {
		if id, ok := h.employeeOf(line.workflowID); ok {
			r = r.Clone()
			r.AddAttrs(slog.String(EmployeeIDKey, id))
		}
	}
	return h.next.Handle(ctx, r)
}
