package main

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// Two ways of handing the prepared frames to the UDF.
//
// "bulk" writes the buffer in large chunks (-write-chunk bytes): the UDF
// measured alone, as fast as a pipe or socket can feed it.
//
// "kapacitor" writes the way Kapacitor's UDF node does: its writeData
// goroutine takes one message at a time from the task's edge and sends it
// with udf/agent.WriteMessage, which makes two Write calls on an unbuffered
// pipe or socket, the length prefix and then the body (v1.5.9 and v1.7.6
// alike). With -rate the frames are offered at that many points per second
// (due times fixed from the start, so a late writer catches up in a burst,
// as a task's edge does after a pause); without it, as fast as the UDF takes them.
const (
	deliveryBulk      = "bulk"
	deliveryKapacitor = "kapacitor"
)

// deliver writes data (whole frames) to w as cfg says.
func deliver(cfg config, w io.Writer, data []byte, rate float64) error {
	var err error
	if cfg.delivery == deliveryKapacitor {
		err = writeFrames(w, data, rate)
	} else {
		err = writeAll(w, data, cfg.writeChunk)
	}
	if errors.Is(err, syscall.EPIPE) {
		return errors.New("UDF closed its input early (broken pipe)")
	}
	return err
}

// writeFrames writes every frame of data as two writes, prefix then body,
// pacing points (stream frames; in batch kind every frame counts) at rate per second.
func writeFrames(w io.Writer, data []byte, rate float64) error {
	start := time.Now()
	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(time.Second) / rate)
	}
	for off, i := 0, 0; off < len(data); i++ {
		size, n := uvarint(data[off:])
		if n <= 0 || off+n+int(size) > len(data) {
			return fmt.Errorf("prepared frames are corrupt at byte %d", off)
		}
		if interval > 0 {
			if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
				time.Sleep(wait)
			}
		}
		if _, err := w.Write(data[off : off+n]); err != nil {
			return err
		}
		if _, err := w.Write(data[off+n : off+n+int(size)]); err != nil {
			return err
		}
		off += n + int(size)
	}
	return nil
}

// writeAll writes buf in chunks of chunk bytes.
func writeAll(w io.Writer, buf []byte, chunk int) error {
	for off := 0; off < len(buf); off += chunk {
		end := off + chunk
		if end > len(buf) {
			end = len(buf)
		}
		if _, err := w.Write(buf[off:end]); err != nil {
			return err
		}
	}
	return nil
}
