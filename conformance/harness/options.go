package harness

import (
	"fmt"
	"time"

	"github.com/influxdata/kapacitor/udf/agent"
)

// Opt is the agent.Option a TICKscript call `.name(values...)` produces:
// string, float64 (a TICKscript float literal), int64 or int (an integer
// literal), bool, and time.Duration (a duration literal, sent as nanoseconds).
func Opt(name string, values ...interface{}) *agent.Option {
	opt := &agent.Option{Name: name}
	for _, v := range values {
		ov := &agent.OptionValue{}
		switch x := v.(type) {
		case string:
			ov.Type, ov.Value = agent.ValueType_STRING, &agent.OptionValue_StringValue{StringValue: x}
		case float64:
			ov.Type, ov.Value = agent.ValueType_DOUBLE, &agent.OptionValue_DoubleValue{DoubleValue: x}
		case int64:
			ov.Type, ov.Value = agent.ValueType_INT, &agent.OptionValue_IntValue{IntValue: x}
		case int:
			ov.Type, ov.Value = agent.ValueType_INT, &agent.OptionValue_IntValue{IntValue: int64(x)}
		case bool:
			ov.Type, ov.Value = agent.ValueType_BOOL, &agent.OptionValue_BoolValue{BoolValue: x}
		case time.Duration:
			ov.Type, ov.Value = agent.ValueType_DURATION, &agent.OptionValue_DurationValue{DurationValue: int64(x)}
		default:
			panic(fmt.Sprintf("Opt(%q): unsupported value %T", name, v))
		}
		opt.Values = append(opt.Values, ov)
	}
	return opt
}
