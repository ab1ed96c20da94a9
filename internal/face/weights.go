package face

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// weights are one network's named tensors, as a TensorFlow.js weights manifest and its binary
// file give them (quantized to bytes, mostly: value = byte × scale + min).
type weights map[string][]float32

type manifest []struct {
	Paths   []string `json:"paths"`
	Weights []struct {
		Name         string        `json:"name"`
		Shape        []int         `json:"shape"`
		Dtype        string        `json:"dtype"`
		Quantization *quantization `json:"quantization"`
	} `json:"weights"`
}

// loadWeights reads the network name (e.g. "face_recognition_model") from dir.
func loadWeights(dir, name string) (weights, error) {
	raw, err := os.ReadFile(filepath.Join(dir, name+"-weights_manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("face model %s: %w", name, err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("face model %s: manifest: %w", name, err)
	}
	out := weights{}
	for _, group := range m {
		var data []byte
		for _, p := range group.Paths {
			b, err := os.ReadFile(filepath.Join(dir, filepath.Base(p)))
			if err != nil {
				return nil, fmt.Errorf("face model %s: %w", name, err)
			}
			data = append(data, b...)
		}
		for _, w := range group.Weights {
			n := 1
			for _, d := range w.Shape {
				n *= d
			}
			vals, rest, err := decode(data, n, w.Dtype, w.Quantization)
			if err != nil {
				return nil, fmt.Errorf("face model %s: %s: %w", name, w.Name, err)
			}
			out[w.Name], data = vals, rest
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("face model %s: %d bytes left over", name, len(data))
		}
	}
	return out, nil
}

// quantization is how a tensor's values were packed into bytes.
type quantization struct {
	Dtype string  `json:"dtype"`
	Scale float64 `json:"scale"`
	Min   float64 `json:"min"`
}

func decode(data []byte, n int, dtype string, q *quantization) ([]float32, []byte, error) {
	out := make([]float32, n)
	size := 4
	switch {
	case dtype != "float32":
		return nil, nil, fmt.Errorf("type %s is not read", dtype)
	case q == nil:
	case q.Dtype == "uint8":
		size = 1
	case q.Dtype == "uint16":
		size = 2
	default:
		return nil, nil, fmt.Errorf("quantization %s is not read", q.Dtype)
	}
	if len(data) < n*size {
		return nil, nil, fmt.Errorf("the weights file ends early")
	}
	for i := range out {
		switch size {
		case 4:
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		case 2:
			out[i] = float32(float64(binary.LittleEndian.Uint16(data[2*i:]))*q.Scale + q.Min)
		case 1:
			out[i] = float32(float64(data[i])*q.Scale + q.Min)
		}
	}
	return out, data[n*size:], nil
}

// take returns the named tensor, which must hold n values; missing is where it fails.
func (w weights) take(name string, n int, missing *[]string) []float32 {
	v, ok := w[name]
	if !ok || len(v) != n {
		*missing = append(*missing, fmt.Sprintf("%s (%d values, want %d)", name, len(v), n))
		return make([]float32, n)
	}
	return v
}

// conv returns the named convolution, its filters at prefix+filters and bias at prefix+bias.
func (w weights) conv(prefix string, k, in, out int, missing *[]string) *conv {
	return &conv{k: k, in: in, out: out, w: w.take(prefix+"filters", k*k*in*out, missing), b: w.take(prefix+"bias", out, missing)}
}

func checked(name string, missing []string) error {
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("face model %s does not have the expected weights: %v", name, missing)
}
