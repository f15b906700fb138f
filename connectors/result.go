package connectors

import "errors"

// Failure returns the result of an operation that failed with err: the target's own error
// code when it gave one, else the error class ("invalid request", "unavailable", …).
func Failure(instance string, op Operation, err error) Result {
	res := Result{Instance: instance, Action: op, ErrorMessage: err.Error()}
	var coded *CodedError
	switch {
	case errors.As(err, &coded) && coded.Code != "":
		res.ErrorCode = coded.Code
	default:
		for _, class := range []error{ErrNotFound, ErrAlreadyExists, ErrInvalid, ErrUnavailable} {
			if errors.Is(err, class) {
				res.ErrorCode = class.Error()
				break
			}
		}
	}
	return res
}
