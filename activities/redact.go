package activities

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"github.com/ilm-dev/ilm/internal/redact"
)

// Interceptors are the worker interceptors a's activities need: the redaction boundary.
// Every error an activity returns, and every line it logs, passes through a.Redactor (every
// configured secret) and the secrets the call itself added (keepSecret), whichever activity
// and whatever path it came by: an app may echo the token it refused, and an error message
// stays in workflow history as long as the workflow does. (A function, not a method: every
// exported method of Activities is an activity.)
func Interceptors(a *Activities) []interceptor.WorkerInterceptor {
	return []interceptor.WorkerInterceptor{&redactor{secrets: a.Redactor}}
}

// keepSecret adds a secret of this activity call (a temporary password) to what its errors
// and logs are cleared of.
func keepSecret(ctx context.Context, secret string) {
	if r, ok := ctx.Value(callSecrets{}).(*redact.Redactor); ok {
		r.Add(secret)
	}
}

type callSecrets struct{}

// secretsOf returns the secrets of the call ctx belongs to, or none.
func secretsOf(ctx context.Context) *redact.Redactor {
	r, _ := ctx.Value(callSecrets{}).(*redact.Redactor)
	return r
}

type redactor struct {
	interceptor.WorkerInterceptorBase
	secrets *redact.Redactor
}

func (w *redactor) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	in := &redactInbound{secrets: w.secrets}
	in.Next = next
	return in
}

type redactInbound struct {
	interceptor.ActivityInboundInterceptorBase
	secrets *redact.Redactor
}

func (in *redactInbound) Init(outbound interceptor.ActivityOutboundInterceptor) error {
	out := &redactOutbound{}
	out.Next = outbound
	return in.Next.Init(out)
}

func (in *redactInbound) ExecuteActivity(ctx context.Context, input *interceptor.ExecuteActivityInput) (any, error) {
	call := in.secrets.With()
	res, err := in.Next.ExecuteActivity(context.WithValue(ctx, callSecrets{}, call), input)
	return res, redactError(call, err)
}

type redactOutbound struct {
	interceptor.ActivityOutboundInterceptorBase
}

func (out *redactOutbound) GetLogger(ctx context.Context) log.Logger {
	return redactLogger{next: out.Next.GetLogger(ctx), secrets: secretsOf(ctx)}
}

// redactError returns err as is when no message of its chain holds a secret. Otherwise it
// returns an application error of the same type, retry policy and details, whose message
// and causes are blanked: Temporal records the whole chain, not just the outer message.
func redactError(r *redact.Redactor, err error) error {
	if err == nil || !leaks(r, err) {
		return err
	}
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app != err {
		// A plain error: Temporal would record it with its Go type's name, retryable.
		return temporal.NewApplicationError(r.String(err.Error()), errType(err))
	}
	return temporal.NewApplicationErrorWithOptions(r.String(app.Message()), app.Type(), temporal.ApplicationErrorOptions{
		NonRetryable:   app.NonRetryable(),
		Cause:          redactError(r, errors.Unwrap(app)),
		Details:        details(app),
		NextRetryDelay: app.NextRetryDelay(),
		Category:       app.Category(),
	})
}

func leaks(r *redact.Redactor, err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if msg := err.Error(); r.String(msg) != msg {
			return true
		}
	}
	return false
}

// errType is the type Temporal gives a plain error: its Go type's name, none for errors.New.
func errType(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "errorString" {
		return ""
	}
	return t.Name()
}

// details reads an application error's details back (a code, a guard report) to carry them
// over to its redacted copy.
func details(app *temporal.ApplicationError) (out []any) {
	if !app.HasDetails() {
		return nil
	}
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	const most = 8
	for n := most; n > 0; n-- {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if app.Details(ptrs...) == nil {
			return vals
		}
	}
	return nil
}

// redactLogger blanks secrets from an activity's log lines: the message, string values and
// errors.
type redactLogger struct {
	next    log.Logger
	secrets *redact.Redactor
}

func (l redactLogger) Debug(msg string, keyvals ...any) {
	l.next.Debug(l.secrets.String(msg), l.clean(keyvals)...)
}

func (l redactLogger) Info(msg string, keyvals ...any) {
	l.next.Info(l.secrets.String(msg), l.clean(keyvals)...)
}

func (l redactLogger) Warn(msg string, keyvals ...any) {
	l.next.Warn(l.secrets.String(msg), l.clean(keyvals)...)
}

func (l redactLogger) Error(msg string, keyvals ...any) {
	l.next.Error(l.secrets.String(msg), l.clean(keyvals)...)
}

// With keeps the SDK's contextual logging (log.With) working through the redaction.
func (l redactLogger) With(keyvals ...any) log.Logger {
	return redactLogger{next: log.With(l.next, l.clean(keyvals)...), secrets: l.secrets}
}

func (l redactLogger) clean(keyvals []any) []any {
	out := make([]any, len(keyvals))
	for i, v := range keyvals {
		switch v := v.(type) {
		case error:
			out[i] = l.secrets.String(v.Error())
		case string:
			out[i] = l.secrets.String(v)
		case fmt.Stringer:
			out[i] = l.secrets.String(v.String())
		default:
			out[i] = v
		}
	}
	return out
}
