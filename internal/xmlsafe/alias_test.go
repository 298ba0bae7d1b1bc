package xmlsafe

import "github.com/beevik/etree"

type etreeElement = etree.Element
