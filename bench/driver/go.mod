module kapacitor-udf/bench

go 1.22

require github.com/influxdata/kapacitor v1.7.6

require google.golang.org/protobuf v1.33.0 // indirect
