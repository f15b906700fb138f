package connectors

import (
	"encoding/json"
	"errors"
)

// Failure returns the result of an operation that failed with err: the target's own error
// code when it gave one, else the error class ("invalid request", "unavailable", …).
func Failure(instance string, op Operation, err error) Result {
	res := Result{Instance: instance, Action: op, ErrorMessage: err.Error()}
	var coded *CodedError
	switch {
	case errors.As(err, &coded) && coded.Code != "":
		res.ErrorCode = coded.Code
	default:
		for _, class := range []error{ErrNotFound, ErrAlreadyExists, ErrInvalid, ErrNotOwned, ErrUnavailable} {
			if errors.Is(err, class) {
				res.ErrorCode = class.Error()
				break
			}
		}
	}
	return res
}

// MarshalJSON leaves "active" out of a failed result: the account's state is unknown then,
// and "active": false would claim it is disabled.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Success {
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		plain
		Active *bool `json:"active,omitempty"`
	}{plain: plain(r)})
}
