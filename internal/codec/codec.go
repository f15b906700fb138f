// Package codec encrypts what ILM hands to Temporal: every payload (inputs, results, error
// details, memos, static summaries) and, through the failure converter, error messages and
// stack traces. Temporal then stores ciphertext; only holders of the keys file (the worker,
// the CLI and the codec server the Web UI calls) read people's names and emails.
//
// Payloads are sealed with AES-256-GCM under the first key of the keys file; any key of the
// file opens them, so a new key is put first and the old ones stay until their histories are
// gone. Search attributes are not payloads: Temporal indexes them in clear, which is why ILM
// puts only ids and states there, and the person's email only as a keyed hash
// (EmailSearch).
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload.
const (
	// Encoding is the encrypted payload's metadata "encoding", as in Temporal's samples.
	Encoding = "binary/encrypted"
	// MetadataKeyID is the metadata key of the id of the key that sealed the payload.
	MetadataKeyID = "encryption-key-id"
)

// KeySize is the size of an AES-256 key in bytes.
const KeySize = 32

// Codec is a converter.PayloadCodec that seals payloads with AES-256-GCM. Safe for
// concurrent use.
type Codec struct {
	current string
	keys    map[string]cipher.AEAD
	// emailKeys hash the Email search attribute (EmailSearch), in the keys' order.
	emailKeys [][]byte
}

var _ converter.PayloadCodec = (*Codec)(nil)

// Key is a named AES-256 key.
type Key struct {
	ID    string
	Bytes []byte
}

// New returns a codec that encrypts with the first key and decrypts with any of them.
func New(keys ...Key) (*Codec, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("no keys")
	}
	c := &Codec{current: keys[0].ID, keys: map[string]cipher.AEAD{}}
	for _, k := range keys {
		if k.ID == "" {
			return nil, fmt.Errorf("a key has no id")
		}
		if _, dup := c.keys[k.ID]; dup {
			return nil, fmt.Errorf("key id %q appears twice", k.ID)
		}
		if len(k.Bytes) != KeySize {
			return nil, fmt.Errorf("key %q is %d bytes, want %d", k.ID, len(k.Bytes), KeySize)
		}
		block, err := aes.NewCipher(k.Bytes)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k.ID, err)
		}
		c.keys[k.ID] = aead
		c.emailKeys = append(c.emailKeys, emailKey(k.Bytes))
	}
	return c, nil
}

// KeyID is the id of the key the codec encrypts with.
func (c *Codec) KeyID() string { return c.current }

// Encode seals each payload, whole (its metadata too), under the current key with a fresh
// random nonce; the key id is the additional data, so a payload cannot be passed off as
// sealed by another key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.keys[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encrypt payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("encrypt payload: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.current),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode opens each encrypted payload with the key its metadata names. Payloads that are not
// encrypted pass through, so histories written before the codec was turned on stay readable.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id, ok := p.GetMetadata()[MetadataKeyID]
		if !ok {
			return nil, fmt.Errorf("decrypt payload: no %s in its metadata", MetadataKeyID)
		}
		aead, ok := c.keys[string(id)]
		if !ok {
			return nil, fmt.Errorf("decrypt payload: key %q is not in the keys file", id)
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, fmt.Errorf("decrypt payload (key %q): too short", id)
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], id)
		if err != nil {
			return nil, fmt.Errorf("decrypt payload (key %q): %w", id, err)
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(plain, &orig); err != nil {
			return nil, fmt.Errorf("decrypt payload (key %q): %w", id, err)
		}
		out[i] = &orig
	}
	return out, nil
}

// DataConverter is Temporal's default data converter with the codec applied to its payloads.
func DataConverter(c *Codec) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter encodes failures' messages and stack traces through dc, so that an error
// that quotes a person's name or email is encrypted like a payload.
func FailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: dc, EncodeCommonAttributes: true})
}
