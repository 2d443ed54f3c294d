"""From a question to an answer: the path of a question (``ask``), the question read (``query``), read
against the conversation (``conversation``), searched (``search``), the outcome judged (``judge``, with
the collection's words in ``lexicon``), quotes chosen (``quotes``), the answer composed (``compose``);
the settings of all of it (``tuning``) and its measurement (``evaluate``).
"""
