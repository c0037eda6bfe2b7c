"""Alignment data factory: turn assessment failures into reviewed SFT and preference data.

Three steps, following the model-layer practice of turning evaluation risks into training data:
(1) take the failed items of an assessment run (harmful answers, missed and wrong refusals),
(2) generate candidate safe answers through any assessment target, rank them with the
assessment judges and queue the best for human review and rewrite, (3) diversify accepted
answers with the assessment mutators and export SFT and preference files. Nothing leaves the
factory without a review decision, and every exported record names its run and item.
"""
