"""Open311 GeoReport v2's XML form of the JSON documents."""
from xml.etree.ElementTree import Element, SubElement, tostring

# root element and item element per document kind, as in the spec's examples
ROOTS = {"services": ("services", "service"), "requests": ("service_requests", "request"),
         "errors": ("errors", "error")}


def to_xml(kind, items):
    root_name, item_name = ROOTS[kind]
    root = Element(root_name)
    for item in items:
        node = SubElement(root, item_name)
        for key, value in item.items():
            child = SubElement(node, key)
            if value is None:
                continue
            child.text = str(value).lower() if isinstance(value, bool) else str(value)
    return ('<?xml version="1.0" encoding="utf-8"?>' + tostring(root, encoding="unicode")).encode()
