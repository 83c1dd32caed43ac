"""Reading handoffs: a folder of markdown notes -> one Portfolio.

    folder.py       read_portfolio: each file read, parsed and merged in turn
    files.py        find every *.md under a folder; read and hash each file
    document.py     one file's text -> Document: name, sections, each read by its reader
    frontmatter.py  YAML front matter -> a dict
    markdown.py     markdown -> blocks (headings, items, tables, paragraphs) with lines
    headings.py     what a heading is about: a kind of section, status, or a level
    vocabulary.py   the words of each language, as data
    names.py        an entity's name from its title, file or folder
    sections.py     bullets -> facts: one reader per kind of section
    tables.py       tables -> facts: one reader per kind of section
    found.py        what a reader returns (Found) and knows besides its block (Context)
    values.py       money, dates, percentages and markers as authors write them
    merge.py        documents -> entities and the portfolio's own settings
"""
