"""Open311 GeoReport v2's XML form of the JSON documents."""
from xml.etree.ElementTree import Element, SubElement, tostring

# root element and item element per document kind, as in the spec's examples
ROOTS = {"services": ("services", "service"), "requests": ("service_requests", "request"),
         "errors": ("errors", "error"), "endpoints": ("endpoints", "endpoint")}


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


def definition_to_xml(definition):
    """A service definition: <service_definition> with its <attributes>."""
    root = Element("service_definition")
    SubElement(root, "service_code").text = definition["service_code"]
    attributes = SubElement(root, "attributes")
    for attribute in definition["attributes"]:
        node = SubElement(attributes, "attribute")
        for key, value in attribute.items():
            SubElement(node, key).text = str(value)
    return ('<?xml version="1.0" encoding="utf-8"?>' + tostring(root, encoding="unicode")).encode()


def discovery_to_xml(document):
    root = Element("discovery")
    for key in ("changeset", "contact", "key_service"):
        SubElement(root, key).text = document[key]
    endpoints = SubElement(root, "endpoints")
    for endpoint in document["endpoints"]:
        node = SubElement(endpoints, "endpoint")
        for key in ("specification", "url", "changeset", "type"):
            SubElement(node, key).text = endpoint[key]
        formats = SubElement(node, "formats")
        for fmt in endpoint["formats"]:
            SubElement(formats, "format").text = fmt
    return ('<?xml version="1.0" encoding="utf-8"?>' + tostring(root, encoding="unicode")).encode()
