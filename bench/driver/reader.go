package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/influxdata/kapacitor/udf/agent"
	"google.golang.org/protobuf/proto"
)

// Response oneof field numbers (the tag is the first varint of a body).
const (
	fieldInfo  = 1
	fieldInit  = 2
	fieldError = 6
	fieldBegin = 16
	fieldPoint = 17
	fieldEnd   = 18
)

// frameReader splits the UDF's output into frame bodies without copying.
// A body is valid until the next call to next.
type frameReader struct {
	r          io.Reader
	buf        []byte
	start, end int
	// slow reader: pacing of how many bytes are accepted
	rate      float64
	pausedTil time.Time
	began     time.Time
	taken     int64
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: r, buf: make([]byte, 1<<20)}
}

// fill reads more bytes, keeping the unread tail.
func (f *frameReader) fill() error {
	if f.start > 0 {
		copy(f.buf, f.buf[f.start:f.end])
		f.end -= f.start
		f.start = 0
	}
	if f.end == len(f.buf) {
		bigger := make([]byte, 2*len(f.buf))
		copy(bigger, f.buf[:f.end])
		f.buf = bigger
	}
	limit := len(f.buf)
	if f.rate > 0 || !f.pausedTil.IsZero() {
		limit = f.pace(limit)
	}
	n, err := f.r.Read(f.buf[f.end:limit])
	f.end += n
	f.taken += int64(n)
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// pace sleeps as a slow Kapacitor would and returns how far to read.
func (f *frameReader) pace(limit int) int {
	if now := time.Now(); now.Before(f.pausedTil) {
		time.Sleep(f.pausedTil.Sub(now))
	}
	if f.rate <= 0 {
		return limit
	}
	if f.began.IsZero() {
		f.began = time.Now()
		f.taken = 0
	}
	// Read in small steps so that the UDF sees a steady, slow consumer.
	const step = 16 * 1024
	if limit-f.end > step {
		limit = f.end + step
	}
	due := f.began.Add(time.Duration(float64(f.taken) / f.rate * float64(time.Second)))
	if wait := time.Until(due); wait > 0 {
		time.Sleep(wait)
	}
	return limit
}

// next returns the next frame body; io.EOF at a clean end.
func (f *frameReader) next() ([]byte, error) {
	for {
		size, n := uvarint(f.buf[f.start:f.end])
		if n < 0 {
			return nil, errors.New("response frame length is not a valid varint")
		}
		if n > 0 && f.end-f.start-n >= int(size) {
			body := f.buf[f.start+n : f.start+n+int(size)]
			f.start += n + int(size)
			return body, nil
		}
		if n > 0 && int(size)+n > len(f.buf) {
			bigger := make([]byte, int(size)+n+len(f.buf))
			copy(bigger, f.buf[f.start:f.end])
			f.end -= f.start
			f.start = 0
			f.buf = bigger
		}
		if err := f.fill(); err != nil {
			if err == io.EOF && f.start != f.end {
				return nil, errors.New("UDF closed its output in the middle of a frame")
			}
			return nil, err
		}
	}
}

// uvarint decodes a varint; n == 0 means more bytes are needed, n < 0 invalid.
func uvarint(b []byte) (uint64, int) {
	var x uint64
	var s uint
	for i, c := range b {
		if i == 10 {
			return 0, -1
		}
		if c < 0x80 {
			return x | uint64(c)<<s, i + 1
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
	return 0, 0
}

// fieldOf returns the oneof field number of a Response body (its first tag).
func fieldOf(body []byte) int {
	tag, n := uvarint(body)
	if n <= 0 {
		return 0
	}
	return int(tag >> 3)
}

func decodeResponse(body []byte) (*agent.Response, error) {
	res := &agent.Response{}
	if err := proto.Unmarshal(body, res); err != nil {
		return nil, fmt.Errorf("cannot decode a response frame: %v", err)
	}
	return res, nil
}

// errorText turns an ErrorResponse frame into an error.
func errorText(body []byte) error {
	res, err := decodeResponse(body)
	if err != nil {
		return err
	}
	return fmt.Errorf("UDF sent ErrorResponse: %s", res.GetError().GetError())
}
