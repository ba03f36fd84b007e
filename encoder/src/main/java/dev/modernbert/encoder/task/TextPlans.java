package dev.modernbert.encoder.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The plans of many texts, grouped by encoder task, so the sequences of all the texts (the windows
 * of long ones included) share batches. Callers run each group's sequences and hand the values back
 * through {@link Group#perPlan}.
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

    /** One result per sequence (in {@link #ids} order), cut into each plan's share. */
    public <R> List<List<R>> perPlan(List<R> perSequence) {
      List<List<R>> out = new ArrayList<>(plans.size());
      int at = 0;
      for (TextPlan<A, W, V> p : plans) {
        out.add(perSequence.subList(at, at + p.ids().size()));
        at += p.ids().size();
      }
      return out;
    }
  }

  private final List<Group<?, ?, V>> groups = new ArrayList<>();

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
