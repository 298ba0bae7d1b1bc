package xsd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHasNil(t *testing.T) {
	decl := &elementDecl{}
	assert.False(t, hasNil(map[qname]*elementDecl{}))
	assert.False(t, hasNil(map[qname]*elementDecl{{local: "a"}: decl}))
	assert.True(t, hasNil(map[qname]*elementDecl{{local: "a"}: decl, {local: "b"}: nil}))
	assert.False(t, hasNil(map[qname]typeDef{{local: "t"}: anyType}))
	assert.True(t, hasNil(map[qname]typeDef{{local: "t"}: nil}))
}
