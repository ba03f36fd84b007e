package dev.modernbert.encoder.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The plans of many texts, grouped by encoder task, so the sequences of all the texts (the windows
 * of long ones included) share batches. This is the one plan runner's group and combine steps: a
 * caller plans texts ({@link TextTask#plan}), files them here, runs each group's {@link Group#ids}
 * through {@code ModernBertEncoder.run} and hands the per-sequence outcomes back to {@link
 * Group#combine}. Two callers do it: {@code ModernBertEncoder.runPlans} on the calling thread (CLI,
 * Java API, bench) and Spark's {@code DeviceRunner} on its device thread (submit/await), so a
 * plan's combine (late chunking's span work included) runs where the model runs.
 */
public final class TextPlans<V> {

  /** Plans whose sequences run through one encoder task, in the order they were added. */
  public static final class Group<A, W, V> {
    private final EncoderTask<A, W> task;
    private final List<int[]> ids = new ArrayList<>();
    private final List<A> args = new ArrayList<>();
    private final List<Integer> texts = new ArrayList<>();
    private final List<TextPlan<A, W, V>> plans = new ArrayList<>();

    private Group(EncoderTask<A, W> task) {
      this.task = task;
    }

    private void add(int text, TextPlan<A, W, V> plan) {
      texts.add(text);
      plans.add(plan);
      ids.addAll(plan.ids());
      args.addAll(plan.args());
    }

    public EncoderTask<A, W> task() {
      return task;
    }

    /** Every plan's sequences, plan after plan. */
    public List<int[]> ids() {
      return ids;
    }

    public List<A> args() {
      return args;
    }

    /** The text index of each plan. */
    public List<Integer> texts() {
      return texts;
    }

    public List<TextPlan<A, W, V>> plans() {
      return plans;
    }

    /**
     * Each plan's value from its sequences' outcomes (one per sequence, in {@link #ids} order), in
     * plan order: the first failed sequence fails its text, and so does a combine that throws.
     */
    public List<Outcome<V>> combine(List<Outcome<W>> perSequence) {
      if (perSequence.size() != ids.size()) {
        throw new IllegalArgumentException(
            perSequence.size() + " outcomes for " + ids.size() + " sequences");
      }
      List<Outcome<V>> out = new ArrayList<>(plans.size());
      int at = 0;
      for (TextPlan<A, W, V> p : plans) {
        out.add(combine(p, perSequence.subList(at, at + p.ids().size())));
        at += p.ids().size();
      }
      return out;
    }

    private static <A, W, V> Outcome<V> combine(TextPlan<A, W, V> plan, List<Outcome<W>> seqs) {
      List<W> values = new ArrayList<>(seqs.size());
      for (Outcome<W> o : seqs) {
        if (o.failed()) {
          return Outcome.failed(o.error());
        }
        values.add(o.value());
      }
      try {
        return Outcome.of(plan.combine(values));
      } catch (RuntimeException e) {
        return Outcome.failed("combining the text's chunks failed: " + e);
      }
    }
  }

  private final List<Group<?, ?, V>> groups = new ArrayList<>();

  /** {@code plans} filed in order: plan {@code i} is text {@code i}. */
  public static <V> TextPlans<V> of(List<TextPlan<?, ?, V>> plans) {
    TextPlans<V> out = new TextPlans<>();
    for (int i = 0; i < plans.size(); i++) {
      out.add(i, plans.get(i));
    }
    return out;
  }

  /** Files text {@code text}'s plan with the plans that share its encoder task. */
  public <A, W> void add(int text, TextPlan<A, W, V> plan) {
    for (Group<?, ?, V> g : groups) {
      if (g.task.equals(plan.task())) {
        sameTypes(g, plan).add(text, plan);
        return;
      }
    }
    Group<A, W, V> g = new Group<>(plan.task());
    g.add(text, plan);
    groups.add(g);
  }

  /** Equal encoder tasks have the same argument and value types. */
  @SuppressWarnings("unchecked")
  private static <A, W, V> Group<A, W, V> sameTypes(Group<?, ?, V> g, TextPlan<A, W, V> plan) {
    return (Group<A, W, V>) g;
  }

  public List<Group<?, ?, V>> groups() {
    return groups;
  }
}
